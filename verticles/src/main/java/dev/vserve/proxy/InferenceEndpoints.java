package dev.vserve.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.BadRequestException;
import dev.vserve.ServeException;
import dev.vserve.ServeOptions;
import dev.vserve.impl.Json;
import dev.vserve.impl.NodeContext;
import dev.vserve.impl.RequestIds;
import dev.vserve.impl.app.RouteTable;
import dev.vserve.impl.call.Call;
import dev.vserve.impl.call.Failures;
import dev.vserve.inference.InferenceRequest;
import dev.vserve.inference.InferenceResponse;
import dev.vserve.inference.ModelMetadata;
import dev.vserve.inference.Tensor;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol (KServe v2) on the proxy: health, model metadata and readiness, and
 * {@code infer} with JSON tensors or the binary tensor extension. A model is an application whose
 * ingress implements {@link dev.vserve.inference.InferenceModel}; its requests are method calls
 * ({@code metadata}, {@code infer}) through the same router, admission and batching as any other.
 * Errors answer in the protocol's shape, {@code {"error": "..."}}.
 */
final class InferenceEndpoints {
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private InferenceEndpoints() {}

  static void mount(Router router, NodeContext node, ServeOptions options) {
    router.get("/v2/health/live").handler(rc -> json(rc, 200, Map.of("live", true)));
    router.get("/v2/health/ready").handler(rc -> json(rc, 200, Map.of("ready", true)));
    router.route("/v2/models/:model/versions/*").handler(rc -> error(rc, new BadRequestException(
        "model versions are not supported: each application is one model (use /v2/models/" + rc.pathParam("model") + "/...)")));
    router.get("/v2/models/:model/ready").handler(rc -> {
      RouteTable.Route r = node.routes().byApp(rc.pathParam("model"));
      json(rc, r == null ? 404 : 200, r == null ? Map.of("error", "no model '" + rc.pathParam("model") + "'") : Map.of("ready", true));
    });
    router.get("/v2/models/:model").handler(rc -> metadata(node, rc));
    router.post("/v2/models/:model/infer").handler(rc -> Bodies.read(rc, options.getMaxRequestBodyBytes(),
        body -> infer(node, rc, body)));
  }

  private static Future<Object> call(NodeContext node, String model, String method, Object[] args) {
    RouteTable.Route r = node.routes().byApp(model);
    if (r == null) return Future.failedFuture(new ServeException(404, "NotFound", "no model '" + model + "' (models are applications)"));
    Call call = Call.method(RequestIds.next(), method, args, System.currentTimeMillis() + node.requestTimeoutMs(), node.nodeId());
    return node.tracing().route("proxy_route_to_replica", io.opentelemetry.context.Context.root(), model, r.ingress(), method, call,
        node.router(model, r.ingress())::call);
  }

  private static void metadata(NodeContext node, RoutingContext rc) {
    String model = rc.pathParam("model");
    call(node, model, "metadata", new Object[0]).onComplete(ar -> {
      if (ar.failed()) {
        ServeException e = Failures.toServeException(ar.cause());
        error(rc, e.status() == 404 && e.getMessage().contains("no public method")
            ? new ServeException(404, "NotFound", "application '" + model + "' does not serve the Open Inference Protocol (its ingress has no metadata())")
            : e);
        return;
      }
      ModelMetadata m = Json.convert(ar.result(), ModelMetadata.class);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("name", model);
      out.put("versions", List.of());
      out.put("platform", m.platform());
      out.put("inputs", m.inputs());
      out.put("outputs", m.outputs());
      json(rc, 200, out);
    });
  }

  private static void infer(NodeContext node, RoutingContext rc, Buffer body) {
    String model = rc.pathParam("model");
    if (node.routes().byApp(model) == null) {
      error(rc, new ServeException(404, "NotFound", "no model '" + model + "' (models are applications)"));
      return;
    }
    InferenceRequest request;
    try {
      request = parse(rc.request().getHeader(HEADER_LENGTH), body);
    } catch (ServeException e) {
      error(rc, e);
      return;
    }
    call(node, model, "infer", new Object[] {request}).onComplete(ar -> {
      if (ar.failed()) {
        error(rc, Failures.toServeException(ar.cause()));
        return;
      }
      InferenceResponse response = Json.convert(ar.result(), InferenceResponse.class);
      List<Object> outputs = new ArrayList<>();
      for (Tensor t : response.outputs()) {
        if (request.outputs().isEmpty() || request.outputs().contains(t.name())) outputs.add(TensorCodec.output(t));
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model_name", model);
      if (request.id() != null) out.put("id", request.id());
      out.put("outputs", outputs);
      json(rc, 200, out);
    });
  }

  /** The JSON header (all of the body, or its first {@code Inference-Header-Content-Length} bytes) and the binary rest. */
  static InferenceRequest parse(String headerLength, Buffer body) {
    // read where the body lies (a heap buffer as Vert.x hands it over), not from a copy: a binary
    // request is mostly its tensors, and each copy of them was garbage the collector then paused for
    ByteBuffer whole = Bodies.heapView(body);
    byte[] bytes = whole.array();
    int start = whole.arrayOffset() + whole.position();
    int length = whole.remaining();
    int jsonLength = length;
    ByteBuffer binary = null;
    if (headerLength != null) {
      try {
        jsonLength = Integer.parseInt(headerLength.trim());
      } catch (NumberFormatException e) {
        throw new BadRequestException(HEADER_LENGTH + " must be a number of bytes, got '" + headerLength + "'");
      }
      if (jsonLength < 0 || jsonLength > length) {
        throw new BadRequestException(HEADER_LENGTH + " is " + jsonLength + " but the body has " + length + " bytes");
      }
      binary = ByteBuffer.wrap(bytes, start + jsonLength, length - jsonLength).slice();
    }
    JsonNode root = Json.read(bytes, start, jsonLength, JsonNode.class, "inference request");
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) throw new BadRequestException("the request needs inputs (a non-empty list)");
    List<Tensor> tensors = new ArrayList<>();
    for (JsonNode t : inputs) tensors.add(TensorCodec.input(t, binary));
    if (binary != null && binary.hasRemaining()) {
      throw new BadRequestException(binary.remaining() + " bytes of binary data belong to no input (check binary_data_size)");
    }
    List<String> wanted = new ArrayList<>();
    JsonNode outputs = root.get("outputs");
    if (outputs != null) for (JsonNode o : outputs) wanted.add(o.path("name").asText());
    Map<String, Object> params = root.has("parameters") ? Json.convert(root.get("parameters"), Map.class) : Map.of();
    return new InferenceRequest(root.has("id") ? root.get("id").asText() : null, tensors, params, wanted);
  }

  private static void json(RoutingContext rc, int status, Object body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(Buffer.buffer(Json.encode(body)));
  }

  private static void error(RoutingContext rc, ServeException e) {
    json(rc, e.status(), Map.of("error", String.valueOf(e.getMessage())));
  }
}
