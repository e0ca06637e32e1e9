package dev.chorus.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void hidesAPasswordParameter() {
        assertEquals("jdbc:postgresql://db:5432/chorus?user=a&password=***&ssl=true",
                JdbcUrls.redact("jdbc:postgresql://db:5432/chorus?user=a&password=s3cret&ssl=true"));
    }

    @Test
    void hidesAPasswordInUserInfo() {
        assertEquals("jdbc:postgresql://admin:***@db/chorus", JdbcUrls.redact("jdbc:postgresql://admin:hunter2@db/chorus"));
    }

    @Test
    void leavesAUrlWithoutSecretsAlone() {
        assertEquals("jdbc:postgresql://127.0.0.1:5432/chorus",
                JdbcUrls.redact("jdbc:postgresql://127.0.0.1:5432/chorus"));
    }
}
