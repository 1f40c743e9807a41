package dev.vserve.replica;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stuck-replica rule, on a clock the test moves. */
class ReplicaHealthTest {
  private static final long MS = 1_000_000;

  @Test
  void aCancelledCallThatEndsWithinTheGraceIsFine() {
    ReplicaHealth h = new ReplicaHealth(1_000, 5_000);
    Thread t = Thread.currentThread();
    h.interrupted(t, 0);
    assertNull(h.stuck(4_000 * MS, 0));
    h.ended(t);
    assertNull(h.stuck(60_000 * MS, 0));
  }

  @Test
  void aCancelledCallStillRunningAfterTheGraceMakesTheReplicaStuck() {
    ReplicaHealth h = new ReplicaHealth(1_000, 5_000);
    h.interrupted(Thread.currentThread(), 0);
    String why = h.stuck(5_001 * MS, 0);
    assertNotNull(why);
    assertTrue(why.contains("ignored cancellation"), why);
  }

  @Test
  void aThreadThatIsGoneDoesNotCount() throws Exception {
    ReplicaHealth h = new ReplicaHealth(1_000, 5_000);
    Thread done = Thread.ofVirtual().start(() -> { });
    done.join();
    h.interrupted(done, 0);
    assertNull(h.stuck(60_000 * MS, 0));
  }

  @Test
  void anUninterruptibleStepLongerThanTimeoutAndGraceMakesTheReplicaStuck() {
    ReplicaHealth h = new ReplicaHealth(1_000, 5_000);
    assertNull(h.stuck(0, 5_999 * MS), "a long step within timeout + grace is still work");
    String why = h.stuck(0, 6_001 * MS);
    assertNotNull(why);
    assertTrue(why.contains("has not returned"), why);
  }
}
