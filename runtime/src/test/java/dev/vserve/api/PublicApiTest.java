package dev.vserve.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published packages ({@code dev.vserve}, {@code dev.vserve.spi}) show no
 * internal type in any public or protected signature: not vserve's {@code impl} packages, not Vert.x's
 * internals. What users and language hosts compile against can then stay while the internals move.
 */
class PublicApiTest {
  private static final List<String> PUBLISHED = List.of("dev/vserve", "dev/vserve/spi");

  static boolean internal(String typeName) {
    return typeName.startsWith("dev.vserve.impl.") || typeName.startsWith("io.vertx.core.impl.")
        || typeName.startsWith("io.vertx.core.internal.") || typeName.contains(".impl.") && typeName.startsWith("io.vertx.");
  }

  @Test
  void noPublishedSignatureMentionsAnInternalType() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : publishedClasses()) {
      if (!Modifier.isPublic(c.getModifiers())) continue;
      check(leaks, c, "extends", c.getGenericSuperclass());
      for (Type i : c.getGenericInterfaces()) check(leaks, c, "implements", i);
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (!visible(k.getModifiers())) continue;
        for (Type p : k.getGenericParameterTypes()) check(leaks, c, "constructor parameter", p);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (!visible(m.getModifiers()) || m.isSynthetic() || m.isBridge()) continue;
        check(leaks, c, m.getName() + "() returns", m.getGenericReturnType());
        for (Type p : m.getGenericParameterTypes()) check(leaks, c, m.getName() + "() parameter", p);
        for (Type e : m.getGenericExceptionTypes()) check(leaks, c, m.getName() + "() throws", e);
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers()) && !f.isSynthetic()) check(leaks, c, "field " + f.getName(), f.getGenericType());
      }
    }
    assertTrue(leaks.isEmpty(), "internal types in published signatures:\n" + String.join("\n", leaks));
  }

  @Test
  void theCheckSeesALeak() {
    List<String> leaks = new ArrayList<>();
    check(leaks, PublicApiTest.class, "probe", io.vertx.core.impl.future.FutureBase.class);
    assertTrue(leaks.size() == 1, leaks.toString());
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void check(List<String> leaks, Class<?> owner, String where, Type t) {
    if (t == null) return;
    switch (t) {
      case Class<?> c -> {
        if (c.isArray()) check(leaks, owner, where, c.getComponentType());
        else if (internal(c.getName())) leaks.add(owner.getName() + " " + where + " " + c.getName());
      }
      case ParameterizedType p -> {
        check(leaks, owner, where, p.getRawType());
        for (Type a : p.getActualTypeArguments()) check(leaks, owner, where, a);
      }
      case GenericArrayType g -> check(leaks, owner, where, g.getGenericComponentType());
      case WildcardType w -> {
        for (Type b : w.getUpperBounds()) check(leaks, owner, where, b);
        for (Type b : w.getLowerBounds()) check(leaks, owner, where, b);
      }
      case TypeVariable<?> v -> { }
      default -> { }
    }
  }

  private static List<Class<?>> publishedClasses() throws IOException, ClassNotFoundException {
    Path root = Path.of("target/classes");
    List<Class<?>> out = new ArrayList<>();
    for (String pkg : PUBLISHED) {
      Path dir = root.resolve(pkg);
      if (!Files.isDirectory(dir)) continue;
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
          String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
          out.add(Class.forName(name, false, PublicApiTest.class.getClassLoader()));
        }
      }
    }
    assertTrue(out.size() > 20, "found only " + out.size() + " published classes under " + root.toAbsolutePath());
    return out;
  }
}
