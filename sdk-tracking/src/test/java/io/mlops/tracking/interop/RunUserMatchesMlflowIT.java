package io.mlops.tracking.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.tracking.internal.RunContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mlflow.user} the SDK records is the one MLflow's own client records in the same environment
 * ({@code DefaultRunContext}: the tracking username from the environment or {@code ~/.mlflow/credentials}, else
 * {@code getpass.getuser()}), for every rung of that order.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RunUserMatchesMlflowIT {
  @TempDir Path tmp;

  private Path home(String name, String credentials) throws IOException {
    Path home = Files.createDirectories(tmp.resolve(name));
    if (credentials != null) {
      Path file = home.resolve(".mlflow").resolve("credentials");
      Files.createDirectories(file.getParent());
      Files.write(file, credentials.getBytes(StandardCharsets.UTF_8));
    }
    return home;
  }

  private static Map<String, String> env(Object... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put((String) pairs[i], pairs[i + 1].toString());
    }
    return env;
  }

  @Test
  void runUser_isMlflowsInEveryEnvironment() throws IOException {
    Path alice = home("alice", "[mlflow]\nmlflow_tracking_password = secret\nmlflow_tracking_username = alice\n");
    Path inherited = home("inherited", "[DEFAULT]\nmlflow_tracking_username = dflt\n[mlflow]\n");
    Path blank = home("blank", "[mlflow]\nmlflow_tracking_username =\n");
    Path colon = home("colon", "; comment\n[mlflow]\n  MLFLOW_Tracking_Username : bob%%1\n");
    Path other = home("other", "[default]\nmlflow_tracking_username = not-mlflow\n");
    Path none = home("none", null);
    List<Map<String, String>> environments = new ArrayList<>();
    environments.add(env("HOME", none, "LOGNAME", "l", "USER", "u", "LNAME", "n", "USERNAME", "w"));
    environments.add(env("HOME", none, "USER", "u", "LNAME", "n", "USERNAME", "w"));
    environments.add(env("HOME", none, "LNAME", "n", "USERNAME", "w"));
    environments.add(env("HOME", none, "USERNAME", "w"));
    environments.add(env("HOME", none)); // the password database's account
    environments.add(env("HOME", none, "LOGNAME", "", "USER", "u"));
    environments.add(env("HOME", none, "MLFLOW_TRACKING_USERNAME", "t", "LOGNAME", "l"));
    environments.add(env("HOME", alice, "LOGNAME", "l"));
    environments.add(env("HOME", alice, "MLFLOW_TRACKING_USERNAME", "t", "LOGNAME", "l"));
    environments.add(env("HOME", alice, "MLFLOW_TRACKING_USERNAME", "", "LOGNAME", "l"));
    environments.add(env("HOME", inherited, "LOGNAME", "l"));
    environments.add(env("HOME", blank, "LOGNAME", "l"));
    environments.add(env("HOME", colon, "LOGNAME", "l"));
    environments.add(env("HOME", other, "USER", "u"));

    List<String> mlflow = MlflowPython.locate().runUsers(environments);
    List<String> sdk = new ArrayList<>();
    for (Map<String, String> env : environments) {
      sdk.add(RunContext.userName(env, Optional.empty()));
    }
    assertThat(sdk).as("the SDK's users, one per environment").isEqualTo(mlflow);
    assertThat(mlflow).as("every rung is exercised").contains("l", "u", "n", "w", "t", "alice", "dflt", "bob%1");
  }
}
