package io.mlops.all;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lists the built all-in-one jar: nothing outside our package root, nothing unrelocated, the service files merged
 * and rewritten, licenses kept. Runs in the integration-test phase (see the pom), after the shade plugin.
 */
class ShadedJarContentsTest {
  private static Map<String, byte[]> entries;

  @BeforeAll
  static void readJar() throws Exception {
    entries = ShadedJar.entries();
  }

  private static String text(String entry) {
    assertThat(entries).as("the jar's entries").containsKey(entry);
    return new String(entries.get(entry), StandardCharsets.UTF_8);
  }

  private static boolean hasClass(String binaryName) {
    return entries.containsKey(binaryName.replace('.', '/') + ".class");
  }

  @Test
  void everyClass_isUnderOurPackageRoot() {
    List<String> classes = entries.keySet().stream().filter(n -> n.endsWith(".class")).collect(Collectors.toList());
    assertThat(classes).hasSizeGreaterThan(1000);
    assertThat(classes).filteredOn(n -> !n.startsWith("io/mlops/")).as("classes outside io/mlops/").isEmpty();
    assertThat(classes).filteredOn(n -> n.startsWith("io/mlops/") && !n.startsWith(ShadedJar.SHADED_ROOT)
            && ShadedJar.SDK_ROOTS.stream().noneMatch(n::startsWith))
        .as("io/mlops classes that belong to no shaded SDK module (sdk-testing? a test class?)").isEmpty();
  }

  @Test
  void everyThirdPartyClass_isUnderARelocatedPackage_andEachRelocationIsUsed() {
    List<String> shaded = entries.keySet().stream()
        .filter(n -> n.endsWith(".class") && n.startsWith(ShadedJar.SHADED_ROOT))
        .map(n -> n.substring(ShadedJar.SHADED_ROOT.length()))
        .collect(Collectors.toList());
    assertThat(shaded).filteredOn(n -> ShadedJar.RELOCATED.stream().noneMatch(n::startsWith))
        .as("shaded classes of a package nobody listed (a new dependency? add it to RELOCATED and THIRD-PARTY.txt)")
        .isEmpty();
    for (String root : ShadedJar.RELOCATED) {
      assertThat(shaded).as("classes relocated from %s", root).anyMatch(n -> n.startsWith(root));
    }
  }

  @Test
  void noClass_refersToAnUnrelocatedThirdPartyPackage() {
    // a class reference in the constant pool is the slash form: "com/fasterxml/jackson/..." or "Lcom/...;"; a
    // name that merely ends like one ("...Lio/mlops/shaded/okio/") is relocated
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      if (!e.getKey().endsWith(".class")) {
        continue;
      }
      String constants = new String(e.getValue(), StandardCharsets.ISO_8859_1);
      for (String root : ShadedJar.RELOCATED) {
        for (int i = constants.indexOf(root); i >= 0; i = constants.indexOf(root, i + 1)) {
          boolean relocated = i >= ShadedJar.SHADED_ROOT.length()
              && constants.startsWith(ShadedJar.SHADED_ROOT, i - ShadedJar.SHADED_ROOT.length());
          boolean partOfAnotherName = i > 0 && Character.isJavaIdentifierPart(constants.charAt(i - 1));
          // Kotlin's SourceDebugExtension (SMAP: inlined functions' file and class, one per line, for debuggers)
          // keeps the original names; it is never resolved as a class
          boolean debugLine = i > 0 && constants.charAt(i - 1) == '\n';
          if (!relocated && !partOfAnotherName && !debugLine) {
            leaks.add(e.getKey() + " -> " + root);
            break;
          }
        }
      }
    }
    assertThat(leaks).as("classes that still reference an unrelocated package").isEmpty();
  }

  @Test
  void slf4jAndImmutables_areNotInTheJar() {
    assertThat(entries.keySet()).filteredOn(n -> n.contains("org/slf4j/") || n.contains("org/immutables/"))
        .isEmpty();
    assertThat(entries.keySet()).filteredOn(n -> n.startsWith("META-INF/maven/org.slf4j/")
        || n.startsWith("META-INF/maven/org.immutables/")).isEmpty();
  }

  @Test
  void noSignatures_moduleDescriptors_orVersionedClasses() {
    assertThat(entries.keySet()).filteredOn(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")).isEmpty();
    assertThat(entries.keySet()).filteredOn(n -> n.endsWith("module-info.class")).isEmpty();
    // the shade plugin does not relocate META-INF/versions/N/...: any such class would escape relocation
    assertThat(entries.keySet()).filteredOn(n -> n.startsWith("META-INF/versions/")).isEmpty();
    assertThat(entries.keySet()).filteredOn(n -> n.endsWith(".kotlin_module")).isEmpty();
  }

  @Test
  void theManifest_namesTheAutomaticModule_andIsNotMultiRelease() throws Exception {
    try (JarFile jar = new JarFile(ShadedJar.path().toFile())) {
      Manifest manifest = jar.getManifest();
      Attributes main = manifest.getMainAttributes();
      assertThat(main.getValue("Automatic-Module-Name")).isEqualTo("io.mlops.all");
      assertThat(main.getValue("Implementation-Title")).isEqualTo("mlops-sdk-all");
      assertThat(main.getValue("Multi-Release")).isNull();
      assertThat(jar.isMultiRelease()).isFalse();
    }
  }

  @Test
  void theBackendProviderFile_listsTheThreeBackends() {
    List<String> providers = serviceLines("META-INF/services/io.mlops.core.spi.BackendProvider");
    assertThat(providers).containsExactlyInAnyOrder(
        "io.mlops.core.internal.local.LocalBackendProvider",
        "io.mlops.mlflow.MlflowBackendProvider",
        "io.mlops.gitlab.GitlabBackendProvider");
  }

  @Test
  void everyServiceFile_namesAServiceAndImplementationsThatExistInTheJar() {
    List<String> services = entries.keySet().stream()
        .filter(n -> n.startsWith("META-INF/services/") && n.length() > "META-INF/services/".length())
        .collect(Collectors.toList());
    assertThat(services).contains(
        "META-INF/services/io.mlops.shaded.com.fasterxml.jackson.core.JsonFactory",
        "META-INF/services/io.mlops.shaded.com.fasterxml.jackson.core.ObjectCodec");
    for (String file : services) {
      String service = file.substring("META-INF/services/".length());
      assertThat(hasClass(service) || isPlatformClass(service)).as("service type %s", service).isTrue();
      List<String> implementations = serviceLines(file);
      assertThat(implementations).as(file).isNotEmpty();
      for (String impl : implementations) {
        assertThat(hasClass(impl)).as("%s in %s", impl, file).isTrue();
      }
    }
  }

  @Test
  void licensesAndNotices_areKept() {
    assertThat(text("META-INF/LICENSE")).contains("Apache License", "Version 2.0");
    assertThat(text("META-INF/NOTICE")).contains("Jackson", "FastDoubleParser");
    assertThat(text("META-INF/LICENSE.txt")).contains("MIT"); // checker-qual's
    assertThat(entries).containsKeys("META-INF/FastDoubleParser-LICENSE", "META-INF/FastDoubleParser-NOTICE",
        "META-INF/thirdparty-LICENSE", "io/mlops/shaded/okhttp3/internal/publicsuffix/NOTICE");
    // OkHttp loads its public suffix list next to its (relocated) class: the resource must have moved with it
    assertThat(entries).containsKey("io/mlops/shaded/okhttp3/internal/publicsuffix/publicsuffixes.gz");
  }

  @Test
  void theThirdPartyList_namesEveryRelocatedPackage_atThisBuildsVersions() {
    String list = text("META-INF/THIRD-PARTY.txt");
    assertThat(list).doesNotContain("${");
    for (String root : ShadedJar.RELOCATED) {
      String pkg = root.substring(0, root.length() - 1).replace('/', '.');
      assertThat(list).as("THIRD-PARTY.txt about %s", pkg).contains("io.mlops.shaded." + pkg);
    }
    assertThat(list).contains("jackson-databind:" + System.getProperty("mlops.all.jacksonVersion"));
    // the pom.properties of each bundled library that ships one: its version must be the one the list names
    TreeSet<String> bundled = new TreeSet<>();
    for (String name : entries.keySet()) {
      if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties") && !name.contains("/io.mlops/")) {
        java.util.Properties p = new java.util.Properties();
        try {
          p.load(new java.io.ByteArrayInputStream(entries.get(name)));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        bundled.add(p.getProperty("groupId") + ":" + p.getProperty("artifactId") + ":" + p.getProperty("version"));
      }
    }
    assertThat(bundled).isNotEmpty();
    for (String gav : bundled) {
      assertThat(list).as("THIRD-PARTY.txt lists %s", gav).contains(gav);
    }
  }

  @Test
  void thePublishedPom_dependsOnSlf4jApiAlone() throws Exception {
    java.nio.file.Path pom = java.nio.file.Paths.get(System.getProperty("mlops.all.publishedPom"));
    org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(pom.toFile());
    org.w3c.dom.NodeList projectChildren = doc.getDocumentElement().getChildNodes();
    List<String> runtime = new ArrayList<>();
    for (int i = 0; i < projectChildren.getLength(); i++) {
      if (!"dependencies".equals(projectChildren.item(i).getNodeName())) {
        continue; // only the project's own dependencies, not dependencyManagement or a plugin's
      }
      org.w3c.dom.NodeList deps = ((org.w3c.dom.Element) projectChildren.item(i)).getElementsByTagName("dependency");
      for (int d = 0; d < deps.getLength(); d++) {
        org.w3c.dom.Element dep = (org.w3c.dom.Element) deps.item(d);
        String scope = childText(dep, "scope");
        if (scope.isEmpty() || scope.equals("compile") || scope.equals("runtime")) {
          runtime.add(childText(dep, "groupId") + ":" + childText(dep, "artifactId"));
        }
      }
    }
    assertThat(runtime).as("compile/runtime dependencies of %s", pom).containsExactly("org.slf4j:slf4j-api");
  }

  private static String childText(org.w3c.dom.Element parent, String tag) {
    org.w3c.dom.NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (tag.equals(children.item(i).getNodeName())) {
        return children.item(i).getTextContent().trim();
      }
    }
    return "";
  }

  @Test
  void thePublicApi_namesNoRelocatedType() throws Exception {
    // a relocated type in a public signature would force users onto io.mlops.shaded.* (and differ from the modules)
    List<String> leaks = new ArrayList<>();
    int scanned = 0;
    // the Spark integration's signatures name Spark's types: Spark's runtime jars (slf4j-api among them) as well
    List<java.net.URL> classpath = new ArrayList<>();
    classpath.add(ShadedJar.path().toUri().toURL());
    for (java.nio.file.Path p : ShadedJar.sparkRuntime("mlops.all.spark35Classpath")) {
      classpath.add(p.toUri().toURL());
    }
    java.net.URL[] urls = classpath.toArray(new java.net.URL[0]);
    try (java.net.URLClassLoader loader = new java.net.URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      for (String name : entries.keySet()) {
        boolean api = name.endsWith(".class") && ShadedJar.SDK_ROOTS.stream().anyMatch(name::startsWith)
            && !name.contains("/internal/");
        if (!api) {
          continue;
        }
        Class<?> c = Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
        if (!java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
          continue;
        }
        scanned++;
        List<String> signatures = new ArrayList<>();
        signatures.add(String.valueOf(c.getGenericSuperclass()));
        Arrays.stream(c.getGenericInterfaces()).forEach(t -> signatures.add(t.getTypeName()));
        for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
          if (exposed(m.getModifiers())) {
            signatures.add(m.toGenericString());
          }
        }
        for (java.lang.reflect.Constructor<?> k : c.getDeclaredConstructors()) {
          if (exposed(k.getModifiers())) {
            signatures.add(k.toGenericString());
          }
        }
        for (java.lang.reflect.Field f : c.getDeclaredFields()) {
          if (exposed(f.getModifiers())) {
            signatures.add(f.toGenericString());
          }
        }
        signatures.stream().filter(sig -> sig.contains("io.mlops.shaded.")).forEach(sig -> leaks.add(c + ": " + sig));
      }
    }
    assertThat(scanned).as("public API classes scanned").isGreaterThan(50);
    assertThat(leaks).isEmpty();
  }

  private static boolean exposed(int modifiers) {
    return java.lang.reflect.Modifier.isPublic(modifiers) || java.lang.reflect.Modifier.isProtected(modifiers);
  }

  private static List<String> serviceLines(String file) {
    return Arrays.stream(text(file).split("\n"))
        .map(l -> l.replaceAll("#.*", "").trim())
        .filter(l -> !l.isEmpty())
        .collect(Collectors.toList());
  }

  private static boolean isPlatformClass(String name) {
    try {
      Class.forName(name, false, ClassLoader.getPlatformClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
