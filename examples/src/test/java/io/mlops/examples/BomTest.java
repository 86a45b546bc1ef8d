package io.mlops.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM lists every published module of the build, at the build's version, and nothing else. */
class BomTest {
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");

  private static Path root() {
    Path p = Paths.get("").toAbsolutePath();
    return Files.exists(p.resolve("sdk-bom")) ? p : p.getParent(); // run from the root or from examples/
  }

  @Test
  void theBomManagesEveryPublishedModule() throws Exception {
    Path root = root();
    String parent = Files.readString(root.resolve("pom.xml"));
    List<String> published = new ArrayList<>();
    Matcher m = MODULE.matcher(parent);
    while (m.find()) {
      String pom = Files.readString(root.resolve(m.group(1)).resolve("pom.xml"));
      boolean unpublished = pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")
          || pom.contains("<packaging>pom</packaging>");
      if (!unpublished) {
        Matcher a = ARTIFACT.matcher(pom.substring(pom.indexOf("</parent>")));
        assertThat(a.find()).as("artifactId of %s", m.group(1)).isTrue();
        published.add(a.group(1));
      }
    }
    String bom = Files.readString(root.resolve("sdk-bom/pom.xml"));
    String managed = bom.substring(bom.indexOf("<dependencyManagement>"));
    List<String> listed = new ArrayList<>();
    Matcher b = ARTIFACT.matcher(managed);
    while (b.find()) {
      listed.add(b.group(1));
    }
    assertThat(published).isNotEmpty();
    assertThat(listed).containsExactlyInAnyOrderElementsOf(published);
    String version = parent.replaceAll("(?s).*?<artifactId>mlops-sdk-parent</artifactId>\\s*<version>([^<]+)</version>.*",
        "$1");
    assertThat(bom).contains("<version>" + version + "</version>");
  }
}
