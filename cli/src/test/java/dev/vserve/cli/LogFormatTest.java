package dev.vserve.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vserve.impl.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every record is one line, in text and JSON, whatever its message or failure holds. */
class LogFormatTest {
  private static LogRecord record(String logger, Level level, String message, Object... params) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName(logger);
    r.setParameters(params);
    return r;
  }

  @Test
  void textIsOneLineWithTimeLevelComponentMessageAndFields() {
    LogRecord r = record("dev.vserve.proxy.AccessLog", Level.INFO, "GET /x", Map.of("status", 200));
    String line = LogFormat.text().format(r);
    assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z INFO  AccessLog: GET /x status=200\\R"), line);
  }

  @Test
  void aMultiLineMessageAndAFailureStayOnOneLine() {
    LogRecord r = record("com.hazelcast.Foo", Level.WARNING, "first\nsecond");
    r.setThrown(new IllegalStateException("broken\nbadly"));
    String line = LogFormat.text().format(r);
    assertEquals(1, line.strip().lines().count(), line);
    assertTrue(line.contains("WARN  hazelcast: first | second error=java.lang.IllegalStateException: broken | badly"), line);
  }

  @Test
  void jsonIsOneObjectPerLineWithTheStackAsAField() throws Exception {
    LogRecord r = record("io.vertx.core.Foo", Level.SEVERE, "it failed", Map.of("request_id", "r1"));
    r.setThrown(new RuntimeException("x"));
    String line = LogFormat.json().format(r);
    assertEquals(1, line.strip().lines().count(), line);
    JsonNode j = Json.MAPPER.readTree(line.getBytes(StandardCharsets.UTF_8));
    assertEquals("ERROR", j.get("level").asText());
    assertEquals("vertx", j.get("component").asText());
    assertEquals("r1", j.get("request_id").asText());
    assertTrue(j.get("stack").asText().contains("LogFormatTest"), j.toString());
  }

  @Test
  void anUnknownFormatIsRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.install("xml"));
    assertTrue(e.getMessage().contains("--log-format"), e.getMessage());
  }
}
