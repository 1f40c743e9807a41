package dev.vserve.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.ServeNode;
import dev.vserve.ServeOptions;
import dev.vserve.node.NodeImpl;
import dev.vserve.testing.Http;
import dev.vserve.testing.Nodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The asynchronous MNIST batch job on one node, over real HTTP: submit, poll, dead letters, bad input. */
class MnistJobsTest {
  static ServeNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = Nodes.start(new ServeOptions().setAdminPort(0).setAdminToken("jobs-token-0123456789"));
    http = new Http(node.httpPort());
    Nodes.deploy(node, MnistJobs.app, "jobs", "/jobs");
  }

  @AfterAll
  static void stop() {
    Nodes.close(node);
  }

  private static JsonNode submit(String body) {
    HttpResponse<String> r = http.post("/-/tasks/mnist-jobs", body);
    assertEquals(202, r.statusCode(), r.body());
    JsonNode t = Http.json(r);
    assertEquals("/-/tasks/" + t.get("task_id").asText(), r.headers().firstValue("location").orElseThrow());
    assertEquals("PENDING", t.get("status").asText());
    return t;
  }

  private static JsonNode awaitFinal(String id) {
    HttpResponse<String> r = http.get("/-/tasks/" + id + "?timeout_s=60");
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r);
  }

  @Test
  void jobsAnswerWithTheirIdAtOnceAndTheirLabelsLater() {
    List<String> ids = new ArrayList<>();
    for (int first = 8000; first < 10_000; first += 250) {
      ids.add(submit("{\"task_name\":\"classify\",\"args\":[" + first + ",250]}").get("task_id").asText());
    }
    int correct = 0;
    for (String id : ids) {
      JsonNode t = awaitFinal(id);
      assertEquals("SUCCESS", t.get("status").asText(), t.toString());
      assertEquals(250, t.get("result").get("labels").size());
      assertEquals(1, t.get("attempts").asInt());
      correct += (int) Math.round(t.get("result").get("accuracy").asDouble() * 250);
    }
    assertTrue(correct >= 0.95 * 2000, "held-out accuracy " + correct + "/2000");
  }

  @Test
  void keywordArgumentsFillTheJavaParametersByName() {
    JsonNode t = awaitFinal(submit("{\"task_name\":\"classify\",\"args\":[8000],\"kwargs\":{\"count\":3}}").get("task_id").asText());
    assertEquals("SUCCESS", t.get("status").asText(), t.toString());
    assertEquals(3, t.get("result").get("count").asInt());
  }

  @Test
  void badSubmissionsAreRefusedAndNothingIsQueued() {
    assertError(http.post("/-/tasks/no-such-queue", "{\"task_name\":\"classify\",\"args\":[1,2]}"), 404, "NoSuchQueue", "mnist-jobs");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"task_name\":\"train\",\"args\":[1,2]}"), 404, "NoSuchTaskHandler", "classify");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"task_name\":\"classify\",\"args\":[\"many\",2]}"), 400, "BadRequest", "first");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"task_name\":\"classify\",\"args\":[1,2,3]}"), 400, "BadRequest", "at most 2");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"task_name\":\"classify\",\"args\":[1]}"), 400, "BadRequest", "missing argument");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"task_name\":\"classify\",\"args\":[1,2],\"kwargs\":{\"x\":1}}"), 400, "BadRequest", "'x'");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"args\":[1,2]}"), 400, "BadRequest", "task_name");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"task_name\":\"classify\",\"args\":[1,2"), 400, "BadRequest", "JSON");
    assertError(http.post("/-/tasks/mnist-jobs", "{\"task_name\":\"classify\",\"args\":{}}"), 400, "BadRequest", "args");
    assertError(http.get("/-/tasks/not-a-task"), 404, "NoSuchTask", "not-a-task");
    assertError(http.get("/-/tasks/not-a-task?timeout_s=soon"), 400, "BadRequest", "timeout_s");
    assertEquals(0, Http.json(http.get("/-/queues/mnist-jobs")).get("depth").asInt());
  }

  @Test
  void aJobThatCannotRunEndsInTheDeadLetterQueueAndCanBeRequeued() throws Exception {
    String id = submit("{\"task_name\":\"classify\",\"args\":[9990,50]}").get("task_id").asText();
    JsonNode t = awaitFinal(id);
    assertEquals("FAILURE", t.get("status").asText(), t.toString());
    assertEquals(1, t.get("attempts").asInt(), "a refused argument is not retried: " + t);
    assertTrue(t.get("error").asText().contains("not within"), t.toString());
    JsonNode dead = Http.json(http.get("/-/queues/mnist-jobs-failed/tasks"));
    assertEquals(id, dead.get("tasks").get(0).get("id").asText(), dead.toString());

    int admin = ((NodeImpl) node).adminPort();
    HttpRequest.Builder requeue = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/api/vserve/queues/mnist-jobs-failed/requeue"))
        .POST(HttpRequest.BodyPublishers.noBody());
    assertEquals(401, http.send(requeue).statusCode());
    HttpResponse<String> r = http.send(requeue.header("Authorization", "Bearer jobs-token-0123456789"));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(1, Http.json(r).get("requeued").asInt());
    // it runs again, fails again, and is back among the dead letters
    dev.vserve.testing.Poll.until("the requeued task to fail again", java.time.Duration.ofSeconds(60),
        () -> Http.json(http.get("/-/queues/mnist-jobs-failed")).get("depth").asInt() == 1);
  }

  private static void assertError(HttpResponse<String> r, int status, String type, String mentions) {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode b = Http.json(r);
    assertEquals(type, b.get("error").asText(), r.body());
    assertTrue(b.get("message").asText().contains(mentions), r.body());
  }
}
