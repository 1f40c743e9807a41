package dev.vserve.node;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * For a class name that is not on the class path, the classes of the same package whose names are
 * closest (a typo's likely targets): only that package is listed, in folders and jars alike, so the
 * search stays quick however large the class path is.
 */
final class NearestClasses {
  private NearestClasses() {}

  static List<String> to(String className, int max) {
    int dot = className.lastIndexOf('.');
    if (dot <= 0) return List.of();
    String pkg = className.substring(0, dot);
    String simple = className.substring(dot + 1);
    TreeSet<String> names = new TreeSet<>();
    try {
      Enumeration<URL> dirs = Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader().getResources(pkg.replace('.', '/'))
          : ClassLoader.getSystemResources(pkg.replace('.', '/'));
      while (dirs.hasMoreElements()) list(dirs.nextElement(), pkg.replace('.', '/'), names);
    } catch (IOException | URISyntaxException e) {
      return List.of();  // a suggestion is a nicety: never fail the real error over it
    }
    int limit = Math.max(2, simple.length() / 3);
    return names.stream()
        .filter(n -> n.indexOf('$') < 0)
        .filter(n -> distance(n.toLowerCase(Locale.ROOT), simple.toLowerCase(Locale.ROOT)) <= limit)
        .sorted(Comparator.comparingInt(n -> distance(n.toLowerCase(Locale.ROOT), simple.toLowerCase(Locale.ROOT))))
        .limit(max)
        .map(n -> pkg + "." + n)
        .toList();
  }

  private static void list(URL dir, String path, TreeSet<String> names) throws IOException, URISyntaxException {
    if (dir.getProtocol().equals("file")) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of(dir.toURI()), "*.class")) {
        for (Path p : s) names.add(p.getFileName().toString().replace(".class", ""));
      }
    } else if (dir.getProtocol().equals("jar") && dir.openConnection() instanceof JarURLConnection c) {
      try (JarFile jar = new JarFile(c.getJarFileURL().getPath())) {
        for (var it = jar.entries().asIterator(); it.hasNext(); ) {
          JarEntry e = it.next();
          String n = e.getName();
          if (n.startsWith(path + "/") && n.endsWith(".class") && n.indexOf('/', path.length() + 1) < 0) {
            names.add(n.substring(path.length() + 1, n.length() - ".class".length()));
          }
        }
      }
    }
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
