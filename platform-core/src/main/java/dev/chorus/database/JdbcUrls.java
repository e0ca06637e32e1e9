package dev.chorus.database;

import java.util.regex.Pattern;

/** JDBC URLs as they may be shown: with any password taken out. */
public final class JdbcUrls {

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*):[^/@]*@");

    private JdbcUrls() {
    }

    public static String redact(String url) {
        if (url == null) {
            return "";
        }
        String withoutParameter = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(withoutParameter).replaceAll("$1:***@");
    }
}
