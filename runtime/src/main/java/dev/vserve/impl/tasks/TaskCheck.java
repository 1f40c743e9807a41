package dev.vserve.impl.tasks;

import dev.vserve.BadRequestException;
import dev.vserve.impl.Json;
import dev.vserve.tasks.TaskProcessorConfig.Handler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a task's arguments fit its handler, checked before it is queued (a task that cannot run
 * must not wait in a queue to fail), and the arguments of the call that runs it.
 */
public final class TaskCheck {
  private TaskCheck() {}

  /** Fails with a 400 naming the argument that does not fit. */
  public static void check(String taskName, Handler h, List<?> args, Map<String, ?> kwargs) {
    callArgs(taskName, h, args, kwargs);
  }

  /** The arguments to call the handler with: positions, then keywords (marked, or put in place for Java). */
  public static Object[] callArgs(String taskName, Handler h, List<?> args, Map<String, ?> kwargs) {
    List<?> pos = args == null ? List.of() : args;
    Map<String, ?> kw = kwargs == null ? Map.of() : kwargs;
    List<String> params = h.params();
    if (!h.varArgs() && pos.size() > params.size()) {
      throw bad("task '" + taskName + "' takes at most " + params.size() + " positional argument(s) " + params + ", got " + pos.size());
    }
    Set<String> given = new HashSet<>(params.subList(0, Math.min(pos.size(), params.size())));
    for (String k : kw.keySet()) {
      if (given.contains(k)) throw bad("task '" + taskName + "' got two values for argument '" + k + "'");
      if (!params.contains(k) && !h.keywordOnly().contains(k) && !h.varKwargs()) {
        throw bad("task '" + taskName + "' has no argument '" + k + "' (it takes " + params + ")");
      }
    }
    given.addAll(kw.keySet());
    for (int i = 0; i < h.required(); i++) {
      if (!given.contains(params.get(i))) throw bad("task '" + taskName + "' is missing argument '" + params.get(i) + "'");
    }
    if (h.keywords()) {
      List<Object> out = new ArrayList<>(pos);
      if (!kw.isEmpty()) out.add(Map.of(dev.vserve.impl.handle.Arguments.KWARGS, new LinkedHashMap<>(kw)));
      return out.toArray();
    }
    Object[] out = new Object[params.size()];
    for (int i = 0; i < pos.size(); i++) out[i] = pos.get(i);
    kw.forEach((k, v) -> out[params.indexOf(k)] = v);
    for (int i = 0; i < out.length && i < h.javaTypes().size(); i++) fits(taskName, params.get(i), out[i], h.javaTypes().get(i));
    return out;
  }

  private static void fits(String taskName, String param, Object value, String typeName) {
    com.fasterxml.jackson.databind.JavaType type;
    try {
      type = Json.MAPPER.getTypeFactory().constructFromCanonical(typeName);
    } catch (IllegalArgumentException unknownHere) {
      return;  // the replica converts it, and refuses it there
    }
    try {
      Json.MAPPER.convertValue(value, type);
    } catch (IllegalArgumentException e) {
      throw bad("argument '" + param + "' of task '" + taskName + "' does not fit type " + typeName + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  private static BadRequestException bad(String why) {
    return new BadRequestException(why);
  }
}
