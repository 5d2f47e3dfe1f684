package dev.dawg.platform.web;

/**
 * A dependency a request needs (such as object storage) could not be reached or did not answer in time. It
 * answers {@code 503 SERVICE_UNAVAILABLE} with {@link #publicDetail()}; the cause, which may name hosts, goes
 * to the log only.
 */
public class DependencyUnavailableException extends RuntimeException {

    private final String publicDetail;

    public DependencyUnavailableException(String publicDetail, Throwable cause) {
        super(publicDetail + " (" + cause + ")", cause);
        this.publicDetail = publicDetail;
    }

    /** What the client is told: no host, port or exception name. */
    public String publicDetail() {
        return publicDetail;
    }
}
