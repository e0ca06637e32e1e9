package dev.chorus.plugin.api;

import java.util.Objects;

/** Whether a backbone version can be loaded here, and if not, why not in words an admin can act on. */
public sealed interface Availability {

    /** @param weightsSha256 hex SHA-256 of the weights as found, the identity of this version's parameters */
    record Available(String weightsSha256) implements Availability {
        public Available {
            Objects.requireNonNull(weightsSha256, "weights checksum");
        }
    }

    record Unavailable(String reason) implements Availability {
        public Unavailable {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("an unavailable backbone must say why");
            }
        }
    }

    static Availability available(String weightsSha256) {
        return new Available(weightsSha256);
    }

    static Availability unavailable(String reason) {
        return new Unavailable(reason);
    }
}
