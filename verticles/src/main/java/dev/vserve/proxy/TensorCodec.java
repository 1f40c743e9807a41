package dev.vserve.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.BadRequestException;
import dev.vserve.inference.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Open Inference Protocol tensors in and out: the JSON form ({@code data} row-major, flat or nested)
 * and the binary extension (raw little-endian elements after the JSON header). Every mistake is a 400
 * naming the tensor: an unknown datatype, a shape that is not a list of sizes, data that does not fill
 * the shape, a value of the wrong kind, a byte count that does not match.
 */
final class TensorCodec {
  private TensorCodec() {}

  static Tensor input(JsonNode t, ByteBuffer binary) {
    String name = t.path("name").asText("");
    if (name.isEmpty()) throw new BadRequestException("every input needs a name");
    String type = t.path("datatype").asText("");
    if (!Tensor.DATATYPES.contains(type)) {
      throw new BadRequestException("input '" + name + "': datatype '" + type + "' is not one of " + new java.util.TreeSet<>(Tensor.DATATYPES));
    }
    JsonNode shapeNode = t.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) throw new BadRequestException("input '" + name + "': shape must be a list of sizes");
    long[] shape = new long[shapeNode.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new BadRequestException("input '" + name + "': shape must be sizes >= 0, got " + shapeNode);
      }
      shape[i] = d.asLong();
      elements = Math.multiplyExact(elements, shape[i]);
    }
    if (elements > 64L << 20) throw new BadRequestException("input '" + name + "': " + elements + " elements is more than a request may carry");
    JsonNode size = t.path("parameters").get("binary_data_size");
    Object data = size != null ? binary(name, type, (int) elements, size, binary) : json(name, type, (int) elements, t.get("data"));
    return new Tensor(name, type, shape, data);
  }

  static int bytesPer(String type) {
    return switch (type) {
      case "FP64", "INT64" -> 8;
      case "FP32", "INT32" -> 4;
      case "INT16" -> 2;
      default -> 1;
    };
  }

  private static Object binary(String name, String type, int elements, JsonNode size, ByteBuffer binary) {
    if (binary == null) throw new BadRequestException("input '" + name + "' has binary_data_size but the request has no binary part");
    long expected = (long) elements * bytesPer(type);
    if (!size.canConvertToLong() || size.asLong() != expected) {
      throw new BadRequestException("input '" + name + "': binary_data_size " + size + " does not match its shape and datatype ("
          + expected + " bytes)");
    }
    if (binary.remaining() < expected) {
      throw new BadRequestException("input '" + name + "': " + expected + " bytes expected, " + binary.remaining() + " left in the request");
    }
    ByteBuffer b = binary.slice(binary.position(), (int) expected).order(ByteOrder.LITTLE_ENDIAN);
    binary.position(binary.position() + (int) expected);
    return switch (type) {
      case "FP32" -> {
        float[] f = new float[elements];
        b.asFloatBuffer().get(f);
        yield f;
      }
      case "FP64" -> {
        double[] d = new double[elements];
        b.asDoubleBuffer().get(d);
        yield d;
      }
      case "BOOL" -> {
        boolean[] z = new boolean[elements];
        for (int i = 0; i < elements; i++) z[i] = b.get(i) != 0;
        yield z;
      }
      default -> {
        long[] l = new long[elements];
        for (int i = 0; i < elements; i++) {
          l[i] = switch (type) {
            case "INT64" -> b.getLong(i * 8);
            case "INT32" -> b.getInt(i * 4);
            case "INT16" -> b.getShort(i * 2);
            case "UINT8" -> b.get(i) & 0xff;
            default -> b.get(i);
          };
        }
        yield l;
      }
    };
  }

  private static Object json(String name, String type, int elements, JsonNode data) {
    if (data == null || !data.isArray()) throw new BadRequestException("input '" + name + "' needs data (a list) or binary_data_size");
    List<JsonNode> flat = new ArrayList<>(elements);
    flatten(data, flat, name, elements);
    if (flat.size() != elements) {
      throw new BadRequestException("input '" + name + "': " + flat.size() + " values do not fill its shape (" + elements + " elements)");
    }
    switch (type) {
      case "FP32" -> {
        float[] f = new float[elements];
        for (int i = 0; i < elements; i++) f[i] = (float) number(flat.get(i), name).doubleValue();
        return f;
      }
      case "FP64" -> {
        double[] d = new double[elements];
        for (int i = 0; i < elements; i++) d[i] = number(flat.get(i), name).doubleValue();
        return d;
      }
      case "BOOL" -> {
        boolean[] z = new boolean[elements];
        for (int i = 0; i < elements; i++) {
          if (!flat.get(i).isBoolean()) throw new BadRequestException("input '" + name + "': BOOL values must be true or false, got " + flat.get(i));
          z[i] = flat.get(i).asBoolean();
        }
        return z;
      }
      default -> {
        long[] l = new long[elements];
        for (int i = 0; i < elements; i++) {
          JsonNode v = flat.get(i);
          if (!v.isIntegralNumber()) throw new BadRequestException("input '" + name + "': " + type + " values must be whole numbers, got " + v);
          l[i] = v.asLong();
        }
        return l;
      }
    }
  }

  private static void flatten(JsonNode n, List<JsonNode> out, String name, int limit) {
    for (JsonNode v : n) {
      if (v.isArray()) flatten(v, out, name, limit);
      else out.add(v);
      if (out.size() > limit) throw new BadRequestException("input '" + name + "': more values than its shape holds (" + limit + ")");
    }
  }

  private static Number number(JsonNode v, String name) {
    if (!v.isNumber()) throw new BadRequestException("input '" + name + "': values must be numbers, got " + v);
    return v.numberValue();
  }

  /** An output as JSON: name, datatype, shape and its data, flat. */
  static java.util.Map<String, Object> output(Tensor t) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("name", t.name());
    m.put("datatype", t.datatype());
    m.put("shape", t.shape());
    m.put("data", t.datatype().equals("BOOL") && t.data() instanceof boolean[] z ? z
        : t.datatype().startsWith("FP") ? t.asDoubles() : t.asLongs());
    return m;
  }
}
