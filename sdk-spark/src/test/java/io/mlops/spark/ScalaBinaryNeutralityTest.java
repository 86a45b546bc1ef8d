package io.mlops.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's classes name no Scala collection type but {@code scala.collection.Iterable}, and no
 * {@code scala.Serializable}: the types whose binary names differ between Scala 2.12 and 2.13 (a Spark method
 * returning {@code Seq} returns {@code scala.collection.Seq} on 2.12 and {@code scala.collection.immutable.Seq} on
 * 2.13). So the classes compiled against one Scala version link against the other, which is what lets the shaded
 * {@code mlops-sdk-all} jar (built from the 2.12 classes) run on Spark 4. Read the class files' bytes: a constant
 * pool holds every type a class names, in its descriptors and signatures.
 */
class ScalaBinaryNeutralityTest {
  /** A Scala collection type or scala.Serializable, as a class file spells it. */
  private static final Pattern SCALA_VERSION_SPECIFIC =
      Pattern.compile("scala/collection/[A-Za-z0-9_$/]+|scala/Serializable\\b");

  @Test
  void noClass_namesAScalaVersionSpecificType() throws Exception {
    Path classes = classesDirectory();
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> all = Files.walk(classes)) {
      files = all.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
    }
    assertThat(files).as("class files in %s", classes).hasSizeGreaterThan(5);
    for (Path file : files) {
      String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      Matcher m = SCALA_VERSION_SPECIFIC.matcher(bytes);
      while (m.find()) {
        if (!m.group().equals("scala/collection/Iterable")) {
          found.add(classes.relativize(file) + ": " + m.group());
        }
      }
    }
    assertThat(found).as("use io.mlops.spark.internal.ScalaCollections instead").isEmpty();
  }

  @Test
  void theCheck_findsSuchAType() throws IOException {
    // the pattern is what the test above relies on: it must see the descriptor of a Seq-returning call
    String descriptor = "()Lscala/collection/immutable/Seq;";
    Matcher m = SCALA_VERSION_SPECIFIC.matcher(descriptor);
    assertThat(m.find()).isTrue();
    assertThat(m.group()).isEqualTo("scala/collection/immutable/Seq");
    assertThat(SCALA_VERSION_SPECIFIC.matcher("Lscala/Serializable;").find()).isTrue();
    assertThat(SCALA_VERSION_SPECIFIC.matcher("scala/Option").find()).isFalse();
  }

  private static Path classesDirectory() throws URISyntaxException {
    Path p = Paths.get(MlopsSparkListener.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(p).isDirectory(); // target/classes of this module, not a jar
    return p;
  }
}
