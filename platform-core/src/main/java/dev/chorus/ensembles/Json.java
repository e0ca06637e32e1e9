package dev.chorus.ensembles;

import java.util.Arrays;
import java.util.List;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** JSON of the ensemble records stored as text columns and inside head artifacts. */
final class Json {

    static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private Json() {
    }

    static List<PinnedMember> members(String json) {
        return Arrays.asList(GSON.fromJson(json, PinnedMember[].class));
    }
}
