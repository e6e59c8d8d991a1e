package io.dbgateway.galera;

/**
 * What one probe of a node read from {@code information_schema.GLOBAL_STATUS} and its globals.
 *
 * @param localState {@code wsrep_local_state}: 4 is Synced, 2 is Donor/Desynced
 */
public record ProbeResult(
    boolean ready,
    String clusterStatus,
    int localState,
    String clusterUuid,
    int localIndex,
    long recvQueue,
    boolean desync,
    String rejectQueries,
    boolean readOnly) {

  /**
   * The probe query from the Galera brief: it answers even on a non-Primary node. The boolean globals
   * carry {@code + 0}: in a query with an aggregate, MariaDB 10.11 answers 0 for a bare boolean system
   * variable ({@code @@global.wsrep_desync}, {@code read_only}) even when it is ON.
   */
  public static final String QUERY = """
      SELECT MAX(IF(VARIABLE_NAME='WSREP_READY', VARIABLE_VALUE, NULL))              AS ready,
             MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_STATUS', VARIABLE_VALUE, NULL))     AS cluster_status,
             MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE', VARIABLE_VALUE, NULL))        AS local_state,
             MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_STATE_UUID', VARIABLE_VALUE, NULL)) AS cluster_uuid,
             MAX(IF(VARIABLE_NAME='WSREP_LOCAL_INDEX', VARIABLE_VALUE, NULL))        AS local_index,
             MAX(IF(VARIABLE_NAME='WSREP_LOCAL_RECV_QUEUE', VARIABLE_VALUE, NULL))   AS recv_queue,
             @@global.wsrep_desync + 0 AS desync, @@global.wsrep_reject_queries AS reject_queries,
             @@global.wsrep_sst_donor_rejects_queries + 0 AS donor_rejects, @@global.read_only + 0 AS read_only
      FROM information_schema.GLOBAL_STATUS
      WHERE VARIABLE_NAME IN ('WSREP_READY','WSREP_CLUSTER_STATUS','WSREP_LOCAL_STATE',
                              'WSREP_CLUSTER_STATE_UUID','WSREP_LOCAL_INDEX','WSREP_LOCAL_RECV_QUEUE')""";

  public static final int SYNCED = 4;

  /** Why this node may not take traffic on its own terms (empty when it may); the cluster UUID is judged elsewhere. */
  public java.util.List<String> ownReasons() {
    java.util.List<String> reasons = new java.util.ArrayList<>();
    if (!ready) {
      reasons.add("wsrep_ready is OFF");
    }
    if (!"Primary".equals(clusterStatus)) {
      reasons.add("cluster status is " + clusterStatus + ", not Primary");
    }
    if (localState != SYNCED) {
      reasons.add("local state is " + localState + (localState == 2 ? " (donor/desynced)" : "") + ", not 4 (Synced)");
    }
    if (desync) {
      reasons.add("wsrep_desync is ON");
    }
    if (!"NONE".equalsIgnoreCase(rejectQueries)) {
      reasons.add("wsrep_reject_queries is " + rejectQueries);
    }
    return reasons;
  }
}
