package io.mlops.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helpers every module shares instead of keeping copies: redactor, digest, recursive delete. */
class SharedHelpersTest {
  @TempDir Path dir;

  @Test
  void uriCredentials_stripAndMaskUserInfo_evenWithAnAtInThePassword() {
    assertThat(UriCredentials.strip("https://alice:s3cr@t@host:5000/api?q=1")).isEqualTo("https://host:5000/api?q=1");
    assertThat(UriCredentials.mask("https://alice:s3cr@t@host/x")).isEqualTo("https://****@host/x");
    assertThat(UriCredentials.strip("https://host/path@v1")).isEqualTo("https://host/path@v1"); // '@' after the host
    assertThat(UriCredentials.strip("git@github.com:org/repo.git")).isEqualTo("git@github.com:org/repo.git");
    assertThat(UriCredentials.strip("./mlruns")).isEqualTo("./mlruns");
    assertThat(UriCredentials.strip(null)).isNull();
  }

  @Test
  void sha256_hexPrefixMatchesTheKnownDigest() {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertThat(Sha256.hex("abc", 8)).isEqualTo("ba7816bf8f01cfea");
    assertThat(Sha256.hex("abc", 32)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThatThrownBy(() -> Sha256.hex("abc", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fileTrees_deleteATreeButNeverFollowALinkOutOfIt() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
    Path tree = Files.createDirectories(dir.resolve("tree/a/b"));
    Files.writeString(tree.resolve("f.txt"), "x");
    Files.createSymbolicLink(dir.resolve("tree/link"), outside);

    FileTrees.delete(dir.resolve("tree"));

    assertThat(dir.resolve("tree")).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("keep");
    FileTrees.delete(dir.resolve("missing")); // fine
    FileTrees.deleteQuietly(null);
  }
}
