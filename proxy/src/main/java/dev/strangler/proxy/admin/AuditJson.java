package dev.strangler.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON shape of the admin API's audit ENTRY (ADMIN-API.md, docs/proxy.md), whatever store it came from. */
public final class AuditJson {

    private AuditJson() {
    }

    public static ObjectNode toJson(ObjectMapper json, AuditEntry e) {
        ObjectNode n = json.createObjectNode();
        n.put("seq", e.seq());
        n.put("time", e.time().toString());
        n.put("actor", e.actor());
        n.put("action", e.action());
        n.put("route", e.route());
        n.putObject("before").put("weightBps", e.beforeWeight());
        n.putObject("after").put("weightBps", e.afterWeight());
        n.put("reason", e.reason());
        n.set("details", e.details());
        return n;
    }
}
