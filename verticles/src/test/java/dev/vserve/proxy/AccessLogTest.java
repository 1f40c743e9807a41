package dev.vserve.proxy;

import dev.vserve.Application;
import dev.vserve.Deployment;
import dev.vserve.Get;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import dev.vserve.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One access record per HTTP request, with the fields an operator greps for; none unless asked for. */
class AccessLogTest {
  @Deployment
  public static class Hello {
    @Get("/hi")
    public String hi() {
      return "hi";
    }
  }

  private final Logger logger = Logger.getLogger(AccessLog.class.getName());
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override public void publish(LogRecord r) { records.add(r); }
    @Override public void flush() { }
    @Override public void close() { }
  };
  private ServeNode node;

  @AfterEach
  void stop() {
    logger.removeHandler(capture);
    Nodes.close(node);
  }

  private Http serve(boolean accessLog) {
    logger.addHandler(capture);
    node = Nodes.start(new ServeOptions().setAccessLog(accessLog));
    Nodes.deploy(node, Application.bind(Hello.class), "greet", "/greet");
    return new Http(node.httpPort());
  }

  @Test
  void eachRequestIsOneRecordWithStatusLatencyRequestIdAndApplication() {
    Http http = serve(true);
    HttpResponse<String> ok = http.get("/greet/hi");
    HttpResponse<String> missing = http.get("/greet/nope");
    assertEquals(404, missing.statusCode());
    Poll.until("two access records", Duration.ofSeconds(10), () -> records.size() >= 2);
    Map<?, ?> first = (Map<?, ?>) records.get(0).getParameters()[0];
    assertEquals("GET /greet/hi", records.get(0).getMessage());
    assertEquals(200, first.get("status"));
    assertEquals(ok.headers().firstValue("x-request-id").orElseThrow(), first.get("request_id"));
    assertEquals("greet", first.get("app"));
    assertEquals("Hello", first.get("deployment"));
    assertTrue(((Double) first.get("latency_ms")) >= 0);
    Map<?, ?> second = (Map<?, ?>) records.get(1).getParameters()[0];
    assertEquals(404, second.get("status"), "failures are logged too");
  }

  @Test
  void offByDefaultForEmbedding() {
    Http http = serve(false);
    assertEquals(200, http.get("/greet/hi").statusCode());
    assertEquals(List.of(), records);
  }
}
