package dev.vserve.python.impl;

import dev.vserve.RequestRouter;
import dev.vserve.RequestRouterConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Python router as a node loads it: by Ray's "module:Class" from the app's directory, kwargs, ranks out. */
class PythonRequestRouterTest {
  private static final String CODE = PythonReplica.Code.PREFIX + Path.of("src/test/resources/routers/app.py").toAbsolutePath() + ":Echo";

  record R(String id, String nodeId, int queueLength, Set<String> multiplexedModelIds) implements RequestRouter.Replica {
    @Override public int maxOngoingRequests() { return 2; }
  }

  record Call(String requestId, String multiplexedModelId, boolean flat) implements RequestRouter.PendingRequest {
    Call(String requestId, String multiplexedModelId) {
      this(requestId, multiplexedModelId, false);
    }

    @Override public String method() { return "__call__"; }
    @Override public List<Object> args() { return List.of(Map.of("flat", flat)); }
    @Override public String callerNode() { return "n1"; }
  }

  private static List<List<String>> ids(List<List<RequestRouter.Replica>> groups) {
    return groups.stream().map(g -> g.stream().map(RequestRouter.Replica::id).sorted().toList()).toList();
  }

  @Test
  void aRouterOfTheAppsDirectoryRanksWithItsKwargsAndMixinsAndAFlatAnswerIsRefused() throws Exception {
    var config = new RequestRouterConfig("custom_request_router:Pinned", Map.of("pin", "b"), 10, 30);
    try (PythonRequestRouter router = PythonRequestRouter.load(config, CODE, "app", "Echo", "n1")) {
      List<RequestRouter.Replica> replicas = List.of(new R("a", "n1", 0, Set.of("m1")), new R("b", "n2", 1, Set.of()),
          new R("c", "n2", 2, Set.of("m1", "m2")));
      var plain = router.chooseReplicas(replicas, new Call("r1", null)).toCompletionStage().toCompletableFuture().get();
      assertEquals(List.of(List.of("b"), List.of("a", "b")), ids(plain), "pinned, then those with room");
      var model = router.chooseReplicas(replicas, new Call("r2", "m1")).toCompletionStage().toCompletableFuture().get();
      assertEquals(List.of(List.of("b"), List.of("a", "c"), List.of("b"), List.of(), List.of("a", "b")), ids(model));
      router.onRequestRouted(new Call("r2", "m1"), replicas.get(0));
      // a flat list where ranks are due: the host says what is wrong (the caller then routes by default)
      var flat = router.chooseReplicas(replicas, new Call("r3", null, true)).toCompletionStage().toCompletableFuture();
      Exception e = assertThrows(Exception.class, flat::get);
      assertTrue(e.getMessage().contains("list of lists of replicas"), e.getMessage());
    }
  }
}
