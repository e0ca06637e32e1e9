package dev.chorus.plugin.api;

/** A backbone cannot be loaded; the message says why (missing file, shape mismatch, …). */
public class BackboneUnavailableException extends Exception {

    public BackboneUnavailableException(String message) {
        super(message);
    }

    public BackboneUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
