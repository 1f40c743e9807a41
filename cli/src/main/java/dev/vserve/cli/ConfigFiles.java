package dev.vserve.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Serve config files as the operator's commands read and write them (YAML, or JSON by extension). */
final class ConfigFiles {
  private ConfigFiles() {}

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  @SuppressWarnings("unchecked")
  static Map<String, Object> read(Path file) {
    String f = file.getFileName().toString();
    ObjectMapper m = f.endsWith(".yaml") || f.endsWith(".yml") ? YAML : new ObjectMapper();
    try {
      Object v = m.readValue(file.toFile(), Object.class);
      return v instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static String yaml(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
