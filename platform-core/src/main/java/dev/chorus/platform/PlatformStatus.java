package dev.chorus.platform;

import java.time.Instant;

import dev.chorus.database.DatabaseDescription;

/**
 * The state of this Chorus as admins see it on the console's start page.
 *
 * @param startsRecorded how many times Chorus has started on this database
 */
public record PlatformStatus(
        String version,
        DatabaseDescription database,
        String serverVersion,
        String schemaVersion,
        long registeredBackbones,
        Instant startedAt,
        long startsRecorded,
        Instant firstStartedAt,
        ListenAddresses endpoints) {
}
