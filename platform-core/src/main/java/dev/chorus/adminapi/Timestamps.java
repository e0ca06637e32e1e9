package dev.chorus.adminapi;

import java.time.Instant;

import com.google.protobuf.Timestamp;

/** Instants on the wire. */
final class Timestamps {

    private Timestamps() {
    }

    static Timestamp of(Instant instant) {
        if (instant == null) {
            return Timestamp.getDefaultInstance();
        }
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
