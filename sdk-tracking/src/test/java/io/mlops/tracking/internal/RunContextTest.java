package io.mlops.tracking.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mlflow.user} the SDK records is the one MLflow 3.17's Python client records on the same machine
 * ({@code tracking/context/default_context.py}: {@code read_mlflow_creds().username or getpass.getuser()}).
 */
class RunContextTest {
  @TempDir Path home;

  private Path credentials() {
    return home.resolve(RunContext.CREDENTIALS_FILE);
  }

  private void writeCredentials(String text) throws IOException {
    Files.createDirectories(credentials().getParent());
    Files.write(credentials(), text.getBytes(StandardCharsets.UTF_8));
  }

  private String user(Map<String, String> env) {
    return RunContext.userName(env, Optional.empty(), credentials(), "account");
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void userName_followsGetpassOrder_lognameUserLnameUsername() {
    assertThat(user(env("LOGNAME", "l", "USER", "u", "LNAME", "n", "USERNAME", "w"))).isEqualTo("l");
    assertThat(user(env("USER", "u", "LNAME", "n", "USERNAME", "w"))).isEqualTo("u");
    assertThat(user(env("LNAME", "n", "USERNAME", "w"))).isEqualTo("n");
    assertThat(user(env("USERNAME", "w"))).isEqualTo("w");
  }

  @Test
  void userName_skipsEmptyVariables_likePythonsOr() {
    assertThat(user(env("MLFLOW_TRACKING_USERNAME", "", "LOGNAME", "", "USER", "u"))).isEqualTo("u");
  }

  @Test
  void userName_withoutVariables_isThePasswordDatabasesAccount_elseUnknown() {
    assertThat(user(env())).isEqualTo("account");
    assertThat(RunContext.userName(env(), Optional.empty(), credentials(), null)).isEqualTo("unknown");
    assertThat(RunContext.userName(env(), Optional.empty(), credentials(), "")).isEqualTo("unknown");
  }

  @Test
  void userName_trackingUsernameVariable_winsOverTheFileAndTheOsUser() throws IOException {
    writeCredentials("[mlflow]\nmlflow_tracking_username = from-file\n");
    assertThat(user(env("MLFLOW_TRACKING_USERNAME", "from-env", "LOGNAME", "l"))).isEqualTo("from-env");
  }

  @Test
  void userName_configuredUsername_winsOverEverything() throws IOException {
    writeCredentials("[mlflow]\nmlflow_tracking_username = from-file\n");
    assertThat(RunContext.userName(env("MLFLOW_TRACKING_USERNAME", "from-env", "LOGNAME", "l"),
        Optional.of("configured"), credentials(), "account")).isEqualTo("configured");
    assertThat(RunContext.userName(env("LOGNAME", "l"), Optional.of(""), credentials(), "account"))
        .isEqualTo("from-file");
  }

  @Test
  void userName_credentialsFile_winsOverTheOsUser_andItsPasswordIsNeverTheAnswer() throws IOException {
    writeCredentials("# MLflow credentials\n[mlflow]\nmlflow_tracking_password = secret\n"
        + "mlflow_tracking_username = alice\n");
    assertThat(user(env("LOGNAME", "l", "USER", "u"))).isEqualTo("alice");
  }

  @Test
  void credentialsFile_isReadLikeConfigparser() throws IOException {
    writeCredentials("; comment\n[other]\nmlflow_tracking_username = not-this\n"
        + "[mlflow]\n  MLFLOW_Tracking_Username : bob%%1  \n");
    assertThat(RunContext.credentialsUsername(credentials())).as("keys case-insensitive, ':' and %%")
        .isEqualTo("bob%1");
    writeCredentials("[DEFAULT]\nmlflow_tracking_username = inherited\n[mlflow]\nmlflow_tracking_password = x\n");
    assertThat(RunContext.credentialsUsername(credentials())).as("[DEFAULT] is inherited").isEqualTo("inherited");
    writeCredentials("[DEFAULT]\nmlflow_tracking_username = inherited\n");
    assertThat(RunContext.credentialsUsername(credentials())).as("no [mlflow] section").isNull();
    writeCredentials("[mlflow]\nmlflow_tracking_username = first\n  second\nmlflow_tracking_password = p\n");
    assertThat(RunContext.credentialsUsername(credentials())).as("continuation line").isEqualTo("first\nsecond");
    writeCredentials("[mlflow]\nmlflow_tracking_password = p\n  mlflow_tracking_username = continued\n");
    assertThat(RunContext.credentialsUsername(credentials())).as("part of the password's value").isNull();
  }

  @Test
  void credentialsFile_withoutAUsernameOrMissing_fallsBackToTheOsUser() throws IOException {
    assertThat(user(env("LOGNAME", "l"))).as("no file").isEqualTo("l");
    writeCredentials("[mlflow]\nmlflow_tracking_username =\n");
    assertThat(user(env("LOGNAME", "l"))).as("empty value").isEqualTo("l");
    Files.write(credentials(), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertThat(user(env("LOGNAME", "l"))).as("not text").isEqualTo("l");
  }

  @Test
  void userName_readsTheCredentialsFileUnderHome() throws IOException {
    writeCredentials("[mlflow]\nmlflow_tracking_username = carol\n");
    assertThat(RunContext.userName(env("HOME", home.toString(), "LOGNAME", "l"), Optional.empty()))
        .isEqualTo("carol");
  }

  @Test
  void systemTags_recordTheUserGiven() {
    assertThat(RunContext.systemTags(home, env(), "dave")).containsEntry(RunContext.USER, "dave");
    assertThat(RunContext.systemTags(home, env("MLFLOW_TRACKING_USERNAME", "erin"))).containsEntry(RunContext.USER,
        "erin");
  }
}
