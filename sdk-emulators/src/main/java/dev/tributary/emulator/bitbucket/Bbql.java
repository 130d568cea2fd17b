package dev.tributary.emulator.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Bitbucket query language of the {@code q} parameter ("Filter and sort API objects" in the
 * API's narrative): a tokenizer and a recursive-descent parser into a tree that evaluates against
 * the JSON of one object.
 *
 * <pre>
 * query      := or
 * or         := and ( OR and )*
 * and        := primary ( AND primary )*
 * primary    := '(' or ')' | comparison
 * comparison := path op value | path [NOT] IN '(' value ( ',' value )* ')'
 * op         := '=' | '!=' | '~' | '!~' | '&gt;' | '&gt;=' | '&lt;' | '&lt;='
 * value      := "string" | number | null | true | false | date | datetime
 * </pre>
 * Keywords are case-insensitive. A path through a list (for example {@code reviewers.nickname})
 * matches when any element matches; negated operators ({@code !=}, {@code !~}, {@code NOT IN})
 * are the negation of their positive form. Datetimes without an offset are UTC; a date is its
 * midnight UTC. Issue priorities compare by severity ({@code trivial < minor < major < critical < blocker}).
 * Immutable once parsed.
 */
final class Bbql {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DATETIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    /** Fields whose string values order by rank rather than alphabetically. */
    private static final Map<String, List<String>> RANKED = Map.of("priority", IssueSeed.PRIORITIES);

    private Bbql() {
    }

    // ------------------------------------------------------------------ tree

    /** A parsed query or part of one. */
    sealed interface Node permits And, Or, Comparison {
        boolean matches(JsonNode object);
    }

    record And(List<Node> parts) implements Node {
        @Override
        public boolean matches(JsonNode object) {
            for (Node n : this.parts) {
                if (!n.matches(object)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(List<Node> parts) implements Node {
        @Override
        public boolean matches(JsonNode object) {
            for (Node n : this.parts) {
                if (n.matches(object)) {
                    return true;
                }
            }
            return false;
        }
    }

    enum Operator {
        EQ("="), NE("!="), CONTAINS("~"), NOT_CONTAINS("!~"), GT(">"), GE(">="), LT("<"), LE("<="), IN("IN"), NOT_IN("NOT IN");

        final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        boolean negated() {
            return this == NE || this == NOT_CONTAINS || this == NOT_IN;
        }
    }

    /** A literal: its kind and value ({@code null} for null; String, BigDecimal, Boolean or Instant). */
    record Literal(Kind kind, Object value) {
        enum Kind { STRING, NUMBER, BOOLEAN, NULL, DATETIME }
    }

    record Comparison(String path, Operator operator, List<Literal> values, String[] segments) implements Node {

        Comparison(String path, Operator operator, List<Literal> values) {
            this(path, operator, values, path.split("\\."));
        }

        @Override
        public boolean matches(JsonNode object) {
            List<JsonNode> candidates = new ArrayList<>(2);
            JsonPaths.resolve(object, this.segments, candidates);
            boolean any = false;
            for (JsonNode c : candidates) {
                if (positive(c)) {
                    any = true;
                    break;
                }
            }
            return this.operator.negated() != any;
        }

        private boolean positive(JsonNode c) {
            switch (this.operator) {
                case EQ:
                case NE:
                    return equal(c, this.values.get(0));
                case IN:
                case NOT_IN:
                    for (Literal l : this.values) {
                        if (equal(c, l)) {
                            return true;
                        }
                    }
                    return false;
                case CONTAINS:
                case NOT_CONTAINS:
                    return c.isValueNode() && !c.isNull()
                            && c.asText().toLowerCase(Locale.ROOT).contains(String.valueOf(this.values.get(0).value()).toLowerCase(Locale.ROOT));
                default:
                    Integer cmp = compare(c, this.values.get(0));
                    if (cmp == null) {
                        return false;
                    }
                    return switch (this.operator) {
                        case GT -> cmp > 0;
                        case GE -> cmp >= 0;
                        case LT -> cmp < 0;
                        default -> cmp <= 0;
                    };
            }
        }

        private boolean equal(JsonNode c, Literal l) {
            if (l.kind() == Literal.Kind.NULL) {
                return c.isNull() || c.isMissingNode();
            }
            if (c.isNull() || c.isMissingNode() || c.isContainerNode()) {
                return false;
            }
            Integer cmp = compare(c, l);
            return cmp != null && cmp == 0;
        }

        /** @return the order of the candidate against the literal, or {@code null} when they do not compare */
        private Integer compare(JsonNode c, Literal l) {
            if (c.isNull() || c.isMissingNode() || c.isContainerNode() || l.kind() == Literal.Kind.NULL) {
                return null;
            }
            switch (l.kind()) {
                case NUMBER: {
                    BigDecimal v = c.isNumber() ? c.decimalValue() : parseDecimal(c.asText());
                    return v == null ? null : v.compareTo((BigDecimal) l.value());
                }
                case BOOLEAN:
                    return c.isBoolean() ? Boolean.compare(c.booleanValue(), (Boolean) l.value()) : null;
                case DATETIME: {
                    Instant t = parseInstant(c.asText());
                    return t == null ? null : t.compareTo((Instant) l.value());
                }
                default: {
                    String s = (String) l.value();
                    List<String> ranks = RANKED.get(lastSegment(this.path));
                    if (ranks != null && ranks.contains(c.asText()) && ranks.contains(s)) {
                        return Integer.compare(ranks.indexOf(c.asText()), ranks.indexOf(s));
                    }
                    if (c.isNumber()) {
                        BigDecimal v = parseDecimal(s);
                        return v == null ? null : c.decimalValue().compareTo(v);
                    }
                    return c.asText().compareTo(s);
                }
            }
        }
    }

    private static String lastSegment(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static BigDecimal parseDecimal(String s) {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @return an ISO-8601 date or datetime as an instant (UTC unless an offset is given), or {@code null} */
    static Instant parseInstant(String s) {
        try {
            if (DATE.matcher(s).matches()) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (!DATETIME.matcher(s).matches()) {
                return null;
            }
            String iso = s.matches(".*[+-]\\d{4}$") ? s.substring(0, s.length() - 2) + ":" + s.substring(s.length() - 2) : s;
            if (iso.endsWith("Z") || iso.matches(".*[+-]\\d{2}:\\d{2}$")) {
                return OffsetDateTime.parse(iso).toInstant();
            }
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ tokens

    enum TokenType { PATH, STRING, NUMBER, DATETIME, OPERATOR, LPAREN, RPAREN, COMMA, END }

    record Token(TokenType type, String text, Object value, int position) {
    }

    static List<Token> tokenize(String q) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(') {
                tokens.add(new Token(TokenType.LPAREN, "(", null, i++));
            } else if (c == ')') {
                tokens.add(new Token(TokenType.RPAREN, ")", null, i++));
            } else if (c == ',') {
                tokens.add(new Token(TokenType.COMMA, ",", null, i++));
            } else if (c == '"') {
                int start = i++;
                StringBuilder sb = new StringBuilder();
                boolean closed = false;
                while (i < n) {
                    char d = q.charAt(i++);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\') {
                        if (i >= n) {
                            break;
                        }
                        char e = q.charAt(i++);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case 'u' -> {
                                if (i + 4 > n || !q.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) {
                                    throw error(q, i - 2, "invalid \\u escape in a string");
                                }
                                sb.append((char) Integer.parseInt(q.substring(i, i + 4), 16));
                                i += 4;
                            }
                            default -> sb.append(e); // \" \\ \/ and any other escaped character stand for themselves
                        }
                    } else {
                        sb.append(d);
                    }
                }
                if (!closed) {
                    throw error(q, start, "unterminated string");
                }
                tokens.add(new Token(TokenType.STRING, q.substring(start, i), sb.toString(), start));
            } else if (c == '=' || c == '~' || c == '>' || c == '<' || c == '!') {
                int start = i;
                String op;
                if (c == '!' && i + 1 < n && (q.charAt(i + 1) == '=' || q.charAt(i + 1) == '~')) {
                    op = q.substring(i, i + 2);
                } else if ((c == '>' || c == '<') && i + 1 < n && q.charAt(i + 1) == '=') {
                    op = q.substring(i, i + 2);
                } else if (c == '!') {
                    throw error(q, i, "'!' must be followed by '=' or '~'");
                } else {
                    op = String.valueOf(c);
                }
                i += op.length();
                tokens.add(new Token(TokenType.OPERATOR, op, null, start));
            } else if (Character.isDigit(c) || (c == '-' && i + 1 < n && Character.isDigit(q.charAt(i + 1)))) {
                int start = i++;
                while (i < n && (Character.isLetterOrDigit(q.charAt(i)) || ".:+-".indexOf(q.charAt(i)) >= 0)) {
                    i++;
                }
                String text = q.substring(start, i);
                if (NUMBER.matcher(text).matches()) {
                    tokens.add(new Token(TokenType.NUMBER, text, new BigDecimal(text), start));
                } else {
                    Instant t = parseInstant(text);
                    if (t == null) {
                        throw error(q, start, "'" + text + "' is neither a number nor an ISO-8601 date or datetime");
                    }
                    tokens.add(new Token(TokenType.DATETIME, text, t, start));
                }
            } else if (Character.isLetter(c) || c == '_') {
                int start = i++;
                while (i < n && (Character.isLetterOrDigit(q.charAt(i)) || q.charAt(i) == '_' || q.charAt(i) == '.')) {
                    i++;
                }
                String text = q.substring(start, i);
                if (text.endsWith(".") || text.contains("..")) {
                    throw error(q, start, "invalid field path '" + text + "'");
                }
                tokens.add(new Token(TokenType.PATH, text, null, start));
            } else {
                throw error(q, i, "unexpected character '" + c + "'");
            }
        }
        tokens.add(new Token(TokenType.END, "", null, n));
        return tokens;
    }

    static BbqlException error(String q, int position, String what) {
        return new BbqlException("Invalid query: " + what + " at position " + position + " of '" + q + "'", position);
    }

    // ------------------------------------------------------------------ parser

    /**
     * @param q      the query
     * @param fields the top-level field names of the objects it filters (an unknown first path
     *               segment is an error), or {@code null} to accept any
     * @return the tree
     * @throws BbqlException when the query is not valid, naming the 0-based position
     */
    static Node parse(String q, Set<String> fields) {
        Parser p = new Parser(q, tokenize(q), fields);
        if (p.peek().type() == TokenType.END) {
            throw error(q, 0, "empty query");
        }
        Node node = p.or();
        if (p.peek().type() != TokenType.END) {
            Token t = p.peek();
            throw error(q, t.position(), "expected AND, OR or the end of the query, found '" + t.text() + "'");
        }
        return node;
    }

    private static final class Parser {

        private final String q;
        private final List<Token> tokens;
        private final Set<String> fields;
        private int next;

        Parser(String q, List<Token> tokens, Set<String> fields) {
            this.q = q;
            this.tokens = tokens;
            this.fields = fields;
        }

        Token peek() {
            return this.tokens.get(this.next);
        }

        Token take() {
            return this.tokens.get(this.next++);
        }

        boolean keyword(String word) {
            Token t = peek();
            return t.type() == TokenType.PATH && t.text().equalsIgnoreCase(word);
        }

        Node or() {
            List<Node> parts = new ArrayList<>();
            parts.add(and());
            while (keyword("OR")) {
                take();
                parts.add(and());
            }
            return parts.size() == 1 ? parts.get(0) : new Or(List.copyOf(parts));
        }

        Node and() {
            List<Node> parts = new ArrayList<>();
            parts.add(primary());
            while (keyword("AND")) {
                take();
                parts.add(primary());
            }
            return parts.size() == 1 ? parts.get(0) : new And(List.copyOf(parts));
        }

        Node primary() {
            Token t = peek();
            if (t.type() == TokenType.LPAREN) {
                take();
                Node inner = or();
                Token close = take();
                if (close.type() != TokenType.RPAREN) {
                    throw error(this.q, close.position(), "expected ')' to close the '(' at position " + t.position() + ", found "
                            + describe(close));
                }
                return inner;
            }
            return comparison();
        }

        Node comparison() {
            Token field = take();
            if (field.type() != TokenType.PATH || isKeyword(field.text())) {
                throw error(this.q, field.position(), "expected a field name or '(', found " + describe(field));
            }
            if (this.fields != null) {
                String root = field.text().split("\\.", 2)[0];
                if (!this.fields.contains(root)) {
                    throw error(this.q, field.position(), "unknown field '" + field.text() + "'");
                }
            }
            Token op = take();
            if (op.type() == TokenType.PATH && (op.text().equalsIgnoreCase("IN") || op.text().equalsIgnoreCase("NOT"))) {
                boolean not = op.text().equalsIgnoreCase("NOT");
                if (not) {
                    Token in = take();
                    if (!(in.type() == TokenType.PATH && in.text().equalsIgnoreCase("IN"))) {
                        throw error(this.q, in.position(), "expected IN after NOT, found " + describe(in));
                    }
                }
                Token open = take();
                if (open.type() != TokenType.LPAREN) {
                    throw error(this.q, open.position(), "expected '(' to start the list of " + (not ? "NOT IN" : "IN") + ", found " + describe(open));
                }
                List<Literal> values = new ArrayList<>();
                values.add(value(op));
                while (peek().type() == TokenType.COMMA) {
                    take();
                    values.add(value(op));
                }
                Token close = take();
                if (close.type() != TokenType.RPAREN) {
                    throw error(this.q, close.position(), "expected ',' or ')' in the list, found " + describe(close));
                }
                return new Comparison(field.text(), not ? Operator.NOT_IN : Operator.IN, List.copyOf(values));
            }
            if (op.type() != TokenType.OPERATOR) {
                throw error(this.q, op.position(), "expected an operator (= != ~ !~ > >= < <= IN NOT IN) after '" + field.text() + "', found "
                        + describe(op));
            }
            Operator operator = switch (op.text()) {
                case "=" -> Operator.EQ;
                case "!=" -> Operator.NE;
                case "~" -> Operator.CONTAINS;
                case "!~" -> Operator.NOT_CONTAINS;
                case ">" -> Operator.GT;
                case ">=" -> Operator.GE;
                case "<" -> Operator.LT;
                default -> Operator.LE;
            };
            Literal v = value(op);
            if ((operator == Operator.CONTAINS || operator == Operator.NOT_CONTAINS) && v.kind() != Literal.Kind.STRING) {
                throw error(this.q, this.tokens.get(this.next - 1).position(), "'" + op.text() + "' needs a quoted string");
            }
            if (v.kind() == Literal.Kind.NULL && operator != Operator.EQ && operator != Operator.NE) {
                throw error(this.q, this.tokens.get(this.next - 1).position(), "null only compares with = and !=");
            }
            return new Comparison(field.text(), operator, List.of(v));
        }

        Literal value(Token after) {
            Token t = take();
            switch (t.type()) {
                case STRING:
                    return new Literal(Literal.Kind.STRING, t.value());
                case NUMBER:
                    return new Literal(Literal.Kind.NUMBER, t.value());
                case DATETIME:
                    return new Literal(Literal.Kind.DATETIME, t.value());
                case PATH:
                    switch (t.text().toLowerCase(Locale.ROOT)) {
                        case "null":
                            return new Literal(Literal.Kind.NULL, null);
                        case "true":
                            return new Literal(Literal.Kind.BOOLEAN, Boolean.TRUE);
                        case "false":
                            return new Literal(Literal.Kind.BOOLEAN, Boolean.FALSE);
                        default:
                            throw error(this.q, t.position(), "expected a value (a quoted string, number, null, true, false or a date) after '"
                                    + after.text() + "', found '" + t.text() + "' (strings must be double-quoted)");
                    }
                default:
                    throw error(this.q, t.position(), "expected a value after '" + after.text() + "', found " + describe(t));
            }
        }

        private static boolean isKeyword(String text) {
            return text.equalsIgnoreCase("AND") || text.equalsIgnoreCase("OR") || text.equalsIgnoreCase("NOT") || text.equalsIgnoreCase("IN");
        }

        private static String describe(Token t) {
            return t.type() == TokenType.END ? "the end of the query" : "'" + t.text() + "'";
        }
    }

    /** @return a null node for callers that need "no value" */
    static JsonNode nothing() {
        return NullNode.getInstance();
    }
}
