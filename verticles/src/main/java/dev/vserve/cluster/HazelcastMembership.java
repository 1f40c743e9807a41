package dev.vserve.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Membership from Hazelcast's own member list, named by Vert.x node ids. Vert.x's cluster manager takes a single node
 * listener, which Vert.x itself uses; Hazelcast takes any number, so vserve listens there. A member
 * that is killed is removed after Hazelcast's failure detection (about 340 ms on loopback here).
 */
final class HazelcastMembership extends Membership {
  private final HazelcastClusterManager manager;
  private final UUID registration;

  HazelcastMembership(HazelcastClusterManager manager) {
    this.manager = manager;
    this.registration = manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        // a joining node is placed onto once its agent announces it
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        fireLeft(vertxId(e.getMember()));
      }
    });
  }

  @Override
  public Set<String> nodes() {
    Set<String> ids = new LinkedHashSet<>();
    for (Member m : manager.getHazelcastInstance().getCluster().getMembers()) ids.add(vertxId(m));
    return ids;
  }

  /** Vert.x names a node by an id of its own, kept as a member attribute. */
  private static String vertxId(Member m) {
    String id = m.getAttribute("__vertx.nodeId");
    return id != null ? id : m.getUuid().toString();
  }

  @Override
  public void close() {
    try {
      manager.getHazelcastInstance().getCluster().removeMembershipListener(registration);
    } catch (RuntimeException alreadyDown) {
      // Hazelcast is shutting down with the Vert.x instance
    }
  }
}
