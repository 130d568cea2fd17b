package dev.tributary.r2dbc.copy;

import dev.tributary.sql.load.ColumnType;
import dev.tributary.sql.load.DataFormat;
import dev.tributary.sql.load.LoadException;
import dev.tributary.sql.load.LoadRequest;
import dev.tributary.sql.load.LoadedColumn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which table columns a load writes, in source column order, and its SQL.
 * <ul>
 * <li>A table the load creates: {@code CREATE TABLE}, then {@code COPY} into it. Every value has
 * been checked against the column's type, so PostgreSQL has nothing to reject during the copy.</li>
 * <li>An existing table: {@code COPY} into a temporary staging table of text columns, then
 * {@code INSERT INTO table SELECT} with a cast to each column's type, then {@code DROP} the
 * staging table. Constraints, triggers and conversions the client does not check thus act in an
 * ordinary statement rather than in the middle of the copy: r2dbc-postgresql 1.1.1 can break the
 * connection when PostgreSQL ends a copy while a {@code CopyData} message is still waiting to be
 * written (see {@link CopyFrames}). The staging table is not WAL-logged; the cost is one more
 * pass over the rows inside the server.</li>
 * </ul>
 */
final class LoadPlan {

    private static final AtomicLong STAGING_TABLES = new AtomicLong();

    private final TableName table;
    private final List<TargetColumn> targets;
    private final String createSql;
    private final String copySql;
    private final String insertSql;
    private final String dropSql;

    private LoadPlan(TableName table, List<TargetColumn> targets, String createSql, String copySql, String insertSql, String dropSql) {
        this.table = table;
        this.targets = targets;
        this.createSql = createSql;
        this.copySql = copySql;
        this.insertSql = insertSql;
        this.dropSql = dropSql;
    }

    /** @return the table */
    TableName table() {
        return this.table;
    }

    /** @return the column written for each source column, in source order */
    List<TargetColumn> targets() {
        return this.targets;
    }

    /** @return {@code CREATE TABLE ...} (the target, or the staging table), or {@code null} */
    String createSql() {
        return this.createSql;
    }

    /** @return {@code COPY ... FROM STDIN (FORMAT csv)} */
    String copySql() {
        return this.copySql;
    }

    /** @return the {@code INSERT ... SELECT} from the staging table, or {@code null} when copying into the target */
    String insertSql() {
        return this.insertSql;
    }

    /** @return the {@code DROP TABLE} of the staging table, or {@code null} */
    String dropSql() {
        return this.dropSql;
    }

    /** @return the columns written, as the result reports them */
    List<LoadedColumn> loadedColumns() {
        List<LoadedColumn> columns = new ArrayList<>(this.targets.size());
        this.targets.forEach(target -> columns.add(new LoadedColumn(target.name(), target.sqlType())));
        return columns;
    }

    /**
     * Plans a load into a table it creates, with the source's column names and the inferred types
     * (or those of {@link LoadRequest#columnTypes()}).
     *
     * @param request  the load
     * @param table    the table
     * @param prepared the source
     * @return the plan
     * @throws LoadException if a column name repeats, a JSON field mixes types, or an override names
     *                       no column
     */
    static LoadPlan creating(LoadRequest request, TableName table, PreparedSource prepared) throws LoadException {
        String source = request.source().description();
        List<String> names = prepared.columns();
        checkOverrides(request, names, source);
        Map<String, Integer> seen = new HashMap<>();
        StringJoiner definitions = new StringJoiner(", ", "CREATE TABLE " + table.quoted() + " (", ")");
        List<TargetColumn> targets = new ArrayList<>(names.size());
        boolean json = request.format() != DataFormat.CSV;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Integer earlier = seen.putIfAbsent(name, i);
            if (earlier != null) {
                throw new LoadException("the column name '" + name + "' appears twice in the header (columns " + (earlier + 1) + " and "
                        + (i + 1) + "); rename one, or load with HeaderMode.NO_HEADER", source, 1, 0, name, null);
            }
            ColumnProfile profile = prepared.profiles().get(i);
            ColumnType override = request.columnTypes().get(name);
            ColumnType type;
            String note = "";
            if (override != null) {
                type = override;
            } else {
                ColumnProfile.Conflict conflict = profile.conflict();
                if (conflict != null) {
                    throw new LoadException(conflict.reason(), source, conflict.line(), conflict.record(), name, null);
                }
                type = profile.type();
                if (prepared.inferredFrom() >= 0) {
                    note = " (the column's type " + type.sqlName() + " was inferred from the first " + prepared.inferredFrom()
                            + " records; set columnType(\"" + name + "\", ColumnType.TEXT) or another type to load it otherwise)";
                }
            }
            definitions.add(Quote.identifier(name) + " " + type.sqlName());
            targets.add(TargetColumn.created(name, type, json, note));
        }
        return new LoadPlan(table, targets, definitions.toString(), copySql(table.quoted(), quotedNames(targets)), null, null);
    }

    /**
     * Plans a load into an existing table: source columns are matched to table columns by name
     * (exactly, then case-insensitively), or by position for a CSV source without a header.
     *
     * @param request      the load
     * @param table        the table
     * @param prepared     the source
     * @param tableColumns the table's columns, in order
     * @return the plan
     * @throws LoadException if a source column has no table column
     */
    static LoadPlan existing(LoadRequest request, TableName table, PreparedSource prepared, List<TableColumn> tableColumns)
            throws LoadException {
        String source = request.source().description();
        boolean json = request.format() != DataFormat.CSV;
        List<String> names = prepared.columns();
        List<TargetColumn> targets = new ArrayList<>(names.size());
        boolean positional = request.format() == DataFormat.CSV && !prepared.header();
        if (positional && names.size() > tableColumns.size()) {
            throw new LoadException("the source has " + names.size() + " columns and no header, but table " + table + " has only "
                    + tableColumns.size() + " (" + columnList(tableColumns) + ")", source, 0, 0, null, null);
        }
        Set<String> used = new HashSet<>();
        List<TableColumn> casts = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            TableColumn column = positional ? tableColumns.get(i) : match(names.get(i), tableColumns, table, source);
            if (!used.add(column.name())) {
                throw new LoadException("two source columns load into column '" + column.name() + "' of table " + table, source, 0, 0,
                        names.get(i), null);
            }
            targets.add(TargetColumn.existing(column.name(), column.sqlType(), column.typeName(), json));
            casts.add(column);
        }
        if (targets.isEmpty()) {
            return new LoadPlan(table, targets, null, null, null, null);
        }
        String staging = "pg_temp." + Quote.identifier("tributary_load_" + STAGING_TABLES.incrementAndGet());
        StringJoiner stagingColumns = new StringJoiner(", ");
        StringJoiner definitions = new StringJoiner(", ", "CREATE TEMPORARY TABLE " + staging + " (", ") ON COMMIT DROP");
        StringJoiner values = new StringJoiner(", ");
        for (int i = 0; i < targets.size(); i++) {
            String column = Quote.identifier("c" + (i + 1));
            stagingColumns.add(column);
            definitions.add(column + " text");
            // text goes in as it is (an assignment: too long for varchar(n) is an error, not a truncation)
            values.add(targets.get(i).family() == TargetColumn.Family.TEXT ? column : "CAST(" + column + " AS " + casts.get(i).castType() + ")");
        }
        String insert = "INSERT INTO " + table.quoted() + " (" + quotedNames(targets) + ") SELECT " + values + " FROM " + staging;
        return new LoadPlan(table, targets, definitions.toString(), copySql(staging, stagingColumns.toString()), insert,
                "DROP TABLE " + staging);
    }

    private static String copySql(String table, String columns) {
        return "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT csv)";
    }

    private static String quotedNames(List<TargetColumn> targets) {
        StringJoiner names = new StringJoiner(", ");
        targets.forEach(target -> names.add(Quote.identifier(target.name())));
        return names.toString();
    }

    private static TableColumn match(String name, List<TableColumn> tableColumns, TableName table, String source) throws LoadException {
        for (TableColumn column : tableColumns) {
            if (column.name().equals(name)) {
                return column;
            }
        }
        TableColumn found = null;
        for (TableColumn column : tableColumns) {
            if (column.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                if (found != null) {
                    throw new LoadException("the source column '" + name + "' matches both '" + found.name() + "' and '" + column.name()
                            + "' of table " + table + " when case is ignored; rename it to one of them exactly", source, 0, 0, name, null);
                }
                found = column;
            }
        }
        if (found == null) {
            throw new LoadException("table " + table + " has no column '" + name + "'; its columns are " + columnList(tableColumns),
                    source, 0, 0, name, null);
        }
        return found;
    }

    private static String columnList(List<TableColumn> columns) {
        StringJoiner names = new StringJoiner(", ");
        columns.forEach(column -> names.add(column.name()));
        return names.toString();
    }

    private static void checkOverrides(LoadRequest request, List<String> names, String source) throws LoadException {
        Set<String> known = new HashSet<>(names);
        for (String column : request.columnTypes().keySet()) {
            if (!known.contains(column)) {
                throw new LoadException("columnType(\"" + column + "\", ...) names no column of the source; its columns are "
                        + String.join(", ", names), source, 0, 0, column, null);
            }
        }
    }

    /**
     * A column of an existing table, from the catalog.
     *
     * @param name     the column's name
     * @param sqlType  its type as {@code format_type} writes it ({@code character varying(20)})
     * @param typeName its base type's {@code typname} ({@code varchar}), domains resolved
     * @param castType its type without modifier, to cast to ({@code character varying}, a domain's name)
     */
    record TableColumn(String name, String sqlType, String typeName, String castType) {
    }
}
