package dev.vserve.python.impl;

import org.graalvm.polyglot.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Python values as the Java side carries them: maps, lists, strings, numbers, booleans, null, bytes. */
final class PyValues {
  private PyValues() {}

  static Object toJava(Value v) {
    if (v == null || v.isNull()) return null;
    if (v.isHostObject()) return v.asHostObject();
    if (v.isBoolean()) return v.asBoolean();
    if (v.isString()) return v.asString();
    if (v.isNumber()) {
      if (!v.fitsInLong()) return v.fitsInDouble() ? (Object) v.asDouble() : new java.math.BigInteger(v.toString());
      // interop says 2.0 "fits in an int"; Python says it is a float, and JSON should too
      if (!"float".equals(v.getMetaObject().getMetaSimpleName())) {
        return v.fitsInInt() ? (Object) v.asInt() : (Object) v.asLong();
      }
      if (v.fitsInDouble()) return v.asDouble();
      return new java.math.BigInteger(v.toString());
    }
    if (v.hasHashEntries()) {
      Map<String, Object> m = new LinkedHashMap<>();
      Value it = v.getHashEntriesIterator();
      while (it.hasIteratorNextElement()) {
        Value entry = it.getIteratorNextElement();
        Value key = entry.getArrayElement(0);
        m.put(key.isString() ? key.asString() : key.toString(), toJava(entry.getArrayElement(1)));
      }
      return m;
    }
    if (v.hasBufferElements()) {
      byte[] b = new byte[Math.toIntExact(v.getBufferSize())];
      v.readBuffer(0, b, 0, b.length);
      return b;
    }
    if (v.hasArrayElements()) {
      int n = Math.toIntExact(v.getArraySize());
      List<Object> l = new ArrayList<>(n);
      for (int i = 0; i < n; i++) l.add(toJava(v.getArrayElement(i)));
      return l;
    }
    if (v.hasIterator()) {
      List<Object> l = new ArrayList<>();
      Value it = v.getIterator();
      while (it.hasIteratorNextElement()) l.add(toJava(it.getIteratorNextElement()));
      return l;
    }
    throw new IllegalArgumentException("cannot send a Python " + v.getMetaObject().getMetaSimpleName()
        + " out of the replica: use dicts, lists, tuples, strings, numbers, booleans, None, bytes or a Response");
  }

  /** A batch's results: the list itself, its items left as Python values for the callers that await them. */
  static Object elements(Value v) {
    if (!v.hasArrayElements()) {
      throw new IllegalArgumentException("a @serve.batch function must return a list, got " + v.getMetaObject().getMetaSimpleName());
    }
    List<Object> out = new ArrayList<>(Math.toIntExact(v.getArraySize()));
    for (long i = 0; i < v.getArraySize(); i++) out.add(v.getArrayElement(i));
    return out;
  }

  static Object[] toJavaArgs(Value list) {
    Object[] out = new Object[Math.toIntExact(list.getArraySize())];
    for (int i = 0; i < out.length; i++) out[i] = toJava(list.getArrayElement(i));
    return out;
  }

  static Map<String, String> toStringMap(Value v) {
    Map<String, String> m = new LinkedHashMap<>();
    if (v == null || v.isNull()) return m;
    Value it = v.getHashEntriesIterator();
    while (it.hasIteratorNextElement()) {
      Value e = it.getIteratorNextElement();
      m.put(e.getArrayElement(0).toString(), e.getArrayElement(1).isString() ? e.getArrayElement(1).asString()
          : e.getArrayElement(1).toString());
    }
    return m;
  }
}
