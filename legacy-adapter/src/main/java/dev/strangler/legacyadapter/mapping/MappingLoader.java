package dev.strangler.legacyadapter.mapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a service mapping from YAML and checks it, reporting every problem at once with file,
 * line and key. The format:
 *
 * <pre>
 * service: appointments
 * tables:
 *   appointments:                       # new table
 *     from: appt                        # legacy table
 *     key: {id: appt_id}                # new key column: legacy key column
 *     columns:
 *       patient_id: patient_no          # rename
 *       status: {from: status_cd, codes: {B: BOOKED, C: CANCELLED}}
 *       starts_at: {date: appt_date, time: appt_time, zone: America/New_York}
 *       created_at: {from: crt_ts, zone: UTC}   # timestamp meant in a zone → timestamptz
 *       origin: {value: legacy}         # constant
 *       minutes: {transform: duration, from: [start_t, end_t]}   # ColumnTransform SPI
 *     drop: [notes]                     # legacy columns not carried over (PHI)
 *     where: {column: kind, in: [VIDEO]}   # or not_in
 *     version: version                  # optional: orders conflicting writes
 * </pre>
 */
public final class MappingLoader {

    private static final Logger log = LoggerFactory.getLogger(MappingLoader.class);
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Set<String> TOP_KEYS = Set.of("service", "tables");
    private static final Set<String> TABLE_KEYS = Set.of("from", "key", "columns", "drop", "where", "version");
    private static final Set<String> WHERE_KEYS = Set.of("column", "in", "not_in");

    private final Map<String, ColumnTransform> transforms;

    /** A loader with the transforms {@link ServiceLoader} finds on the class path. */
    public MappingLoader() {
        this(ServiceLoader.load(ColumnTransform.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** A loader with exactly these transforms. */
    public MappingLoader(List<ColumnTransform> transforms) {
        Map<String, ColumnTransform> m = new HashMap<>();
        transforms.forEach(t -> m.put(t.name(), t));
        this.transforms = Map.copyOf(m);
    }

    /** Loads and checks {@code file}; throws {@link MappingException} listing every problem. */
    public ServiceMapping load(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MappingException(List.of(new MappingProblem(file.toString(), 0, "",
                    "cannot read the file: " + e.getMessage())));
        }
        return parse(content, file.toString());
    }

    /** Parses and checks mapping text; {@code fileName} only labels messages. */
    public ServiceMapping parse(String content, String fileName) {
        YamlNode root;
        try {
            root = YamlNode.parse(content);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "invalid YAML" : e.getMessage().lines().findFirst().orElse("invalid YAML");
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 0;
            throw new MappingException(List.of(new MappingProblem(fileName, line, "", "not valid YAML: " + msg)));
        }
        Ctx ctx = new Ctx(fileName);
        ServiceMapping mapping = read(root, ctx);
        if (!ctx.problems.isEmpty()) {
            throw new MappingException(ctx.problems);
        }
        if (!mapping.reversible()) {
            log.warn("mapping {} for service {} is one-way (legacy → new only): {}", fileName, mapping.service(),
                    mapping.irreversible());
        }
        return mapping;
    }

    private ServiceMapping read(YamlNode root, Ctx ctx) {
        if (!root.isMap()) {
            ctx.error(root, "expected a mapping with keys service and tables");
            return new ServiceMapping("?", ctx.file, List.of(), List.of());
        }
        unknownKeys(root, TOP_KEYS, ctx);
        String service = scalar(root, "service", true, ctx);
        YamlNode tables = root.get("tables");
        List<TableMapping> out = new ArrayList<>();
        List<MappingProblem> irreversible = new ArrayList<>();
        if (tables == null) {
            ctx.error(root, "tables: missing (expected: a map of new table name → table mapping)");
        } else if (!tables.isMap() || tables.fields.isEmpty()) {
            ctx.error(tables, "expected a non-empty map of new table name → table mapping");
        } else {
            Set<String> legacySeen = new HashSet<>();
            tables.fields.forEach((name, t) -> {
                TableMapping tm = readTable(name, t, ctx, irreversible);
                if (tm != null) {
                    if (!legacySeen.add(ServiceMapping.qualified(tm.legacyTable()))) {
                        ctx.error(t.get("from"), "legacy table " + tm.legacyTable()
                                + " is mapped twice (expected: one new table per legacy table)");
                    }
                    out.add(tm);
                }
            });
        }
        return new ServiceMapping(service == null ? "?" : service, ctx.file, out, irreversible);
    }

    private TableMapping readTable(String newTable, YamlNode t, Ctx ctx, List<MappingProblem> irreversible) {
        if (!IDENT.matcher(newTable).matches()) {
            ctx.error(t, "table name '" + newTable + "' (expected: [schema.]name of letters, digits, _)");
        }
        if (!t.isMap()) {
            ctx.error(t, "expected a table mapping with from, key, columns");
            return null;
        }
        int before = ctx.problems.size();
        unknownKeys(t, TABLE_KEYS, ctx);
        String from = identifier(t, "from", true, ctx);
        List<ColumnMapping.Rename> keys = new ArrayList<>();
        YamlNode key = t.get("key");
        if (key == null || !key.isMap() || key.fields.isEmpty()) {
            ctx.error(key == null ? t : key, (key == null ? "key: missing" : "key")
                    + " (expected: {new_key_column: legacy_key_column, ...})");
        } else {
            key.fields.forEach((n, v) -> {
                if (!v.isScalar()) {
                    ctx.error(v, "expected the legacy key column's name (keys are plain renames)");
                } else if (checkIdent(n, v, ctx) && checkIdent(v.text, v, ctx)) {
                    keys.add(new ColumnMapping.Rename(n, v.text));
                }
            });
        }
        List<ColumnMapping> columns = new ArrayList<>();
        YamlNode cols = t.get("columns");
        if (cols != null && !cols.isMap()) {
            ctx.error(cols, "expected a map of new column → legacy column or spec");
        } else if (cols != null) {
            cols.fields.forEach((n, v) -> {
                ColumnMapping cm = readColumn(newTable, n, v, ctx);
                if (cm != null) {
                    if (!cm.reversible()) {
                        irreversible.add(ctx.problem(v, "one-way: " + describeOneWay(cm)));
                    }
                    columns.add(cm);
                }
            });
        }
        Set<String> dropped = new LinkedHashSet<>(stringList(t.get("drop"), ctx));
        Set<String> used = new HashSet<>();
        keys.forEach(k -> used.add(k.legacyColumn()));
        columns.forEach(c -> used.addAll(c.legacyColumns()));
        for (String d : dropped) {
            if (used.contains(d)) {
                ctx.error(t.get("drop"), "legacy column " + d + " is both dropped and mapped (expected: one or the other)");
            }
        }
        Set<String> newCols = new HashSet<>();
        keys.forEach(k -> dupCheck(newCols, k.newColumn(), key, ctx));
        columns.forEach(c -> dupCheck(newCols, c.newColumn(), cols, ctx));
        RowFilter filter = readFilter(t.get("where"), ctx);
        String version = identifier(t, "version", false, ctx);
        if (version != null && !newCols.contains(version)) {
            ctx.error(t.get("version"), "version column " + version + " is not a mapped new column (expected one of "
                    + newCols + ")");
        }
        if (ctx.problems.size() > before || from == null || keys.isEmpty()) {
            return null;
        }
        return new TableMapping(from, newTable, keys, columns, dropped, filter, version);
    }

    private static void dupCheck(Set<String> seen, String col, YamlNode where, Ctx ctx) {
        if (!seen.add(col)) {
            ctx.error(where, "new column " + col + " is produced twice (expected: once, in key or columns)");
        }
    }

    private static String describeOneWay(ColumnMapping cm) {
        if (cm instanceof ColumnMapping.Codes c) {
            return c.defaultValue() != null
                    ? "codes with a default cannot tell which legacy code to write back"
                    : "two legacy codes map to the same value of " + c.newColumn();
        }
        if (cm instanceof ColumnMapping.Custom c) {
            return "transform " + c.transform().name() + " has no reverse";
        }
        return cm.newColumn();
    }

    private ColumnMapping readColumn(String table, String newCol, YamlNode v, Ctx ctx) {
        if (!checkIdent(newCol, v, ctx)) {
            return null;
        }
        if (v.isScalar()) {
            return checkIdent(v.text, v, ctx) ? new ColumnMapping.Rename(newCol, v.text) : null;
        }
        if (!v.isMap()) {
            ctx.error(v, "expected a legacy column name or a spec ({from, codes} | {date, time, zone} | {value} | {transform, from})");
            return null;
        }
        if (v.get("codes") != null) {
            unknownKeys(v, Set.of("from", "codes", "default"), ctx);
            String from = identifier(v, "from", true, ctx);
            YamlNode codes = v.get("codes");
            Map<String, String> map = new LinkedHashMap<>();
            if (!codes.isMap() || codes.fields.isEmpty()) {
                ctx.error(codes, "expected a non-empty map of legacy code → new value");
            } else {
                codes.fields.forEach((k, c) -> {
                    if (!c.isScalar()) {
                        ctx.error(c, "expected a scalar value");
                    } else {
                        map.put(k, c.text);
                    }
                });
            }
            String def = scalar(v, "default", false, ctx);
            return from == null || map.isEmpty() ? null : new ColumnMapping.Codes(newCol, from, map, def);
        }
        if (v.get("date") != null || v.get("time") != null) {
            unknownKeys(v, Set.of("date", "time", "zone"), ctx);
            String date = identifier(v, "date", true, ctx);
            String time = identifier(v, "time", true, ctx);
            ZoneId zoneId = zone(v, ctx);
            return date == null || time == null || zoneId == null ? null
                    : new ColumnMapping.DateTimeInZone(newCol, date, time, zoneId);
        }
        if (v.get("value") != null) {
            unknownKeys(v, Set.of("value"), ctx);
            YamlNode val = v.get("value");
            if (!val.isScalar()) {
                ctx.error(val, "expected a scalar constant");
                return null;
            }
            return new ColumnMapping.Constant(newCol, val.text);
        }
        if (v.get("transform") != null) {
            unknownKeys(v, Set.of("transform", "from"), ctx);
            String name = scalar(v, "transform", true, ctx);
            List<String> from = stringList(v.get("from"), ctx);
            ColumnTransform tr = name == null ? null : transforms.get(name);
            if (name != null && tr == null) {
                ctx.error(v.get("transform"), "no ColumnTransform named '" + name + "' on the class path (known: "
                        + transforms.keySet().stream().sorted().toList() + ")");
            }
            return tr == null ? null : new ColumnMapping.Custom(newCol, from, tr);
        }
        if (v.get("from") != null && v.get("zone") != null) {
            unknownKeys(v, Set.of("from", "zone", "fallback"), ctx);
            String from = identifier(v, "from", true, ctx);
            String fallback = identifier(v, "fallback", false, ctx);
            ZoneId zoneId = zone(v, ctx);
            return from == null || zoneId == null ? null : new ColumnMapping.TimestampInZone(newCol, from, zoneId, fallback);
        }
        if (v.get("from") != null) {
            unknownKeys(v, Set.of("from"), ctx);
            String from = identifier(v, "from", true, ctx);
            return from == null ? null : new ColumnMapping.Rename(newCol, from);
        }
        ctx.error(v, "expected one of {from, codes} | {date, time, zone} | {from, zone[, fallback]} | {value} | {transform, from} | {from}"
                + " but found keys " + v.fields.keySet());
        return null;
    }

    private static ZoneId zone(YamlNode v, Ctx ctx) {
        String zone = scalar(v, "zone", true, ctx);
        if (zone == null) {
            return null;
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            ctx.error(v.get("zone"), "unknown time zone '" + zone + "' (expected: a region id such as America/New_York)");
            return null;
        }
    }

    private RowFilter readFilter(YamlNode w, Ctx ctx) {
        if (w == null) {
            return null;
        }
        if (!w.isMap()) {
            ctx.error(w, "expected {column: c, in: [..]} or {column: c, not_in: [..]}");
            return null;
        }
        unknownKeys(w, WHERE_KEYS, ctx);
        String column = identifier(w, "column", true, ctx);
        boolean negate = w.get("not_in") != null;
        if ((w.get("in") == null) == (w.get("not_in") == null)) {
            ctx.error(w, "expected exactly one of in: or not_in:");
            return null;
        }
        List<String> values = stringList(negate ? w.get("not_in") : w.get("in"), ctx);
        return column == null ? null : new RowFilter(column, Set.copyOf(values), negate);
    }

    private static List<String> stringList(YamlNode n, Ctx ctx) {
        if (n == null) {
            return List.of();
        }
        if (n.isScalar()) {
            return List.of(n.text);
        }
        if (!n.isList()) {
            ctx.error(n, "expected a list of names");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (YamlNode i : n.items) {
            if (i.isScalar()) {
                out.add(i.text);
            } else {
                ctx.error(i, "expected a scalar");
            }
        }
        return out;
    }

    private static String scalar(YamlNode parent, String key, boolean required, Ctx ctx) {
        YamlNode n = parent.get(key);
        if (n == null) {
            if (required) {
                ctx.error(parent, key + ": missing");
            }
            return null;
        }
        if (!n.isScalar()) {
            ctx.error(n, "expected a scalar");
            return null;
        }
        return n.text;
    }

    private static String identifier(YamlNode parent, String key, boolean required, Ctx ctx) {
        String s = scalar(parent, key, required, ctx);
        return s != null && checkIdent(s, parent.get(key), ctx) ? s : null;
    }

    private static boolean checkIdent(String s, YamlNode where, Ctx ctx) {
        if (!IDENT.matcher(s).matches()) {
            ctx.error(where, "'" + s + "' is not a table/column name (expected: [schema.]name of letters, digits, _)");
            return false;
        }
        return true;
    }

    private static void unknownKeys(YamlNode n, Set<String> allowed, Ctx ctx) {
        for (Map.Entry<String, YamlNode> e : n.fields.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                ctx.error(e.getValue(), "unknown key (expected one of " + allowed.stream().sorted().toList() + ")");
            }
        }
    }

    /** Collects problems for one file. */
    private static final class Ctx {
        final String file;
        final List<MappingProblem> problems = new ArrayList<>();

        Ctx(String file) {
            this.file = file;
        }

        MappingProblem problem(YamlNode at, String message) {
            return new MappingProblem(file, at == null ? 0 : at.line, at == null ? "" : at.path, message);
        }

        void error(YamlNode at, String message) {
            problems.add(problem(at, message));
        }
    }
}
