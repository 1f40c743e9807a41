package dev.vserve.impl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vserve.BadRequestException;

import java.lang.reflect.Type;

/** The one Jackson mapper of vserve and the conversions built on it. */
public final class Json {
  /**
   * How deeply JSON may nest (arrays and objects). Deeper input is refused while it is parsed, as a
   * 400, before it reaches user code: a 500-level body would otherwise exhaust Python's recursion limit
   * or a Java converter's stack.
   */
  public static final int MAX_DEPTH = 128;

  /**
   * Jackson's default buffer pool is thread-local; user code runs on virtual threads, each one new,
   * so every encode would allocate fresh buffers. A shared pool reuses them: a bounded one (an array
   * queue), where the concurrent deque pool was 6 % of a non-blocking request's profile.
   */
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
      // model inputs are mostly numbers: the JDK's parseDouble was the top cost of a JSON image
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

  private Json() {}

  public static byte[] encode(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  /** Converts a value to {@code type}: identity when it already is one, else a JSON-compatible mapping. */
  @SuppressWarnings("unchecked")
  public static <T> T convert(Object value, Type type) {
    if (type instanceof Class<?> c && (value == null ? !c.isPrimitive() : wrap(c).isInstance(value))) {
      return (T) value;
    }
    JavaType jt = MAPPER.getTypeFactory().constructType(type);
    return MAPPER.convertValue(value, jt);
  }

  /** Reads JSON bytes straight into {@code type}; malformed JSON or a mismatch is a 400 naming the problem. */
  public static <T> T read(byte[] body, Type type, String what) {
    return read(body, 0, body.length, type, what);
  }

  /** The same for {@code length} bytes of {@code body} from {@code offset} (a part of a larger body, not copied). */
  public static <T> T read(byte[] body, int offset, int length, Type type, String what) {
    if (length == 0) throw new BadRequestException(what + " is empty, expected JSON");
    try {
      return MAPPER.readValue(body, offset, length, MAPPER.getTypeFactory().constructType(type));
    } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
      throw tooDeep(what);
    } catch (com.fasterxml.jackson.core.JsonParseException e) {
      throw new BadRequestException("malformed JSON " + what + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new BadRequestException(what + " does not match " + typeName(type) + ": " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new BadRequestException("unreadable " + what + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // thrown by a type's own validation while it is read: the input's fault
      throw new BadRequestException(what + ": " + e.getMessage());
    }
  }

  public static BadRequestException tooDeep(String what) {
    return new BadRequestException(what + " nests deeper than " + MAX_DEPTH + " levels of arrays and objects");
  }

  /** Binds a JSON tree to {@code type}; a mismatch is a 400 that names {@code what} and the problem. */
  public static <T> T bind(JsonNode node, Type type, String what) {
    try {
      return convert(node, type);
    } catch (IllegalArgumentException e) {
      Throwable c = e.getCause() instanceof JsonProcessingException jpe ? jpe : e;
      String detail = c instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : c.getMessage();
      throw new BadRequestException(what + " does not match " + typeName(type) + ": " + detail);
    }
  }

  public static String typeName(Type t) {
    return t instanceof Class<?> c ? c.getSimpleName() : t.getTypeName();
  }

  private static Class<?> wrap(Class<?> c) {
    if (!c.isPrimitive()) return c;
    if (c == int.class) return Integer.class;
    if (c == long.class) return Long.class;
    if (c == double.class) return Double.class;
    if (c == boolean.class) return Boolean.class;
    if (c == float.class) return Float.class;
    if (c == short.class) return Short.class;
    if (c == byte.class) return Byte.class;
    if (c == char.class) return Character.class;
    return Void.class;
  }
}
