package dev.tributary.emulator.bitbucket;

/** A {@code q}, {@code sort} or {@code fields} parameter the emulator cannot use: a 400 answer. */
final class BbqlException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int position;

    /**
     * @param message  what is wrong, naming the position
     * @param position the 0-based character offset in the parameter, or -1
     */
    BbqlException(String message, int position) {
        super(message, null, false, false);
        this.position = position;
    }

    int position() {
        return this.position;
    }
}
