package dev.tributary.emulator.platform;

import dev.tributary.emulator.platform.ExportWriter.ExportColumn;
import dev.tributary.sql.SqlClient;
import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.RowMetadata;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL type names ({@code pg_type.typname}: {@code int4}, {@code text}, {@code _int4},
 * {@code timestamptz}) for the type OIDs the driver reports. The built-in types (OIDs below
 * 16384, the same in every database) are read once at start; a type of a database's own (an enum,
 * a domain, a composite) is looked up in that database when first seen.
 */
final class PostgresTypeNames {

    /** PostgreSQL's FirstNormalObjectId: OIDs below are built in. */
    private static final int FIRST_NORMAL_OID = 16384;

    private final Map<Integer, String> builtIn = new ConcurrentHashMap<>();
    private final Map<String, String> own = new ConcurrentHashMap<>();

    /**
     * @param admin a client on any database of the server
     * @return completes when the built-in names are known
     */
    Mono<Void> load(SqlClient admin) {
        return admin.sql("SELECT oid::int8 AS oid, typname::text AS typname FROM pg_catalog.pg_type WHERE oid < " + FIRST_NORMAL_OID)
                .map(row -> Map.entry(((Number) row.get("oid")).intValue(), (String) row.get("typname")))
                .all()
                .doOnNext(e -> this.builtIn.put(e.getKey(), e.getValue()))
                .then();
    }

    /**
     * @param metadata a result's metadata
     * @return each column's name and OID, in order (cheap; call it in a row mapper)
     */
    static List<ColumnOid> columns(RowMetadata metadata) {
        List<? extends ColumnMetadata> columns = metadata.getColumnMetadatas();
        List<ColumnOid> out = new ArrayList<>(columns.size());
        for (ColumnMetadata c : columns) {
            Object oid = c.getNativeTypeMetadata();
            out.add(new ColumnOid(c.getName(), oid instanceof Number ? ((Number) oid).intValue() : 0));
        }
        return out;
    }

    /** A result column as the driver describes it. */
    record ColumnOid(String name, int oid) {
    }

    /**
     * @param databaseKey the database's identity, for the cache of its own types
     * @param client      a client on that database
     * @param columns     the columns
     * @return the columns with their type names ({@code oid:<n>} for a type that is not found)
     */
    Mono<List<ExportColumn>> resolve(String databaseKey, SqlClient client, List<ColumnOid> columns) {
        return Flux.fromIterable(columns)
                .concatMap(c -> name(databaseKey, client, c.oid()).map(type -> new ExportColumn(c.name(), type)))
                .collectList();
    }

    private Mono<String> name(String databaseKey, SqlClient client, int oid) {
        String known = this.builtIn.get(oid);
        if (known != null) {
            return Mono.just(known);
        }
        String cacheKey = databaseKey + ':' + oid;
        String cached = this.own.get(cacheKey);
        if (cached != null) {
            return Mono.just(cached);
        }
        return client.sql("SELECT typname::text FROM pg_catalog.pg_type WHERE oid::int8 = $1").bind(0, (long) oid)
                .map(row -> row.get(0, String.class))
                .one()
                .doOnNext(name -> this.own.put(cacheKey, name))
                .defaultIfEmpty("oid:" + oid);
    }
}
