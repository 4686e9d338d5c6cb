package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.state.SecretHeaders;
import io.balor.config.ConfigProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fields of an {@code acme_providers} entry (and of any ACME object that holds a credential,
 * such as an External Account Binding) that are secrets, and the one rule for keeping their
 * values out of what the admin API shows: a read shows each as {@value #REDACTED}; only the
 * state file holds it. Stateless; any thread.
 *
 * <p>A field is secret when its name is {@code api_token} or {@code secret_key}, or has
 * {@code token}, {@code secret}, {@code hmac}, {@code password} or {@code private} in it
 * ({@code eab_hmac_key}, {@code hmac_key}), in any case ({@link #secret}). A write that sends
 * {@value #REDACTED} back as a secret's value means "the value Balor has": {@link #restore} puts
 * back the stored value of the same field of the entry of the same name, and reports the ones
 * with nothing stored, which the caller refuses; restore before checking an entry with
 * {@link DnsProviders#config}, which would take the mask for a token. The methods change the
 * tree they are given; copy it first when it is shared.
 */
public final class ProviderSecrets {

    /** What a secret is shown as: the same mask as every other credential the admin API hides. */
    public static final String REDACTED = SecretHeaders.REDACTED;

    private static final Set<String> NAMED = Set.of("api_token", "secret_key");
    private static final List<String> WORDS = List.of("token", "secret", "hmac", "password", "private");

    private ProviderSecrets() {
    }

    /** Whether a field named {@code field} holds a secret (see the class comment). */
    public static boolean secret(String field) {
        String name = field.toLowerCase(Locale.ROOT);
        if (NAMED.contains(name)) {
            return true;
        }
        for (String word : WORDS) {
            if (name.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** {@code node} (an entry, or an array of them) with every secret field, at any depth, shown as {@value #REDACTED}. */
    public static JsonNode redact(JsonNode node) {
        if (node instanceof ArrayNode array) {
            array.forEach(ProviderSecrets::redact);
        } else if (node instanceof ObjectNode object) {
            for (String field : fields(object)) {
                JsonNode value = object.get(field);
                if (secret(field) && value.isTextual()) {
                    object.put(field, REDACTED);
                } else if (value.isContainerNode()) {
                    redact(value);
                }
            }
        }
        return node;
    }

    /**
     * Gives each secret field of {@code entry} whose value is {@value #REDACTED} the value of the
     * same field in {@code stored} (the entry of the same name as the state file holds it; null
     * when there is none).
     *
     * @param path where {@code entry} is ({@code acme_providers[0]}), to name what is missing
     * @return a problem for each {@value #REDACTED} with no stored value (it is left as it is)
     */
    public static List<ConfigProblem> restore(JsonNode entry, JsonNode stored, String path) {
        List<ConfigProblem> missing = new ArrayList<>();
        if (!(entry instanceof ObjectNode object)) {
            return missing;
        }
        for (String field : fields(object)) {
            JsonNode value = object.get(field);
            JsonNode kept = stored == null ? null : stored.get(field);
            if (secret(field) && REDACTED.equals(value.textValue())) {
                if (kept != null && kept.isTextual() && !REDACTED.equals(kept.textValue())) {
                    object.set(field, kept);
                } else {
                    missing.add(new ConfigProblem(path + "." + field, SecretHeaders.HINT + ", and it has none"));
                }
            } else if (value.isObject()) {
                missing.addAll(restore(value, kept, path + "." + field));
            }
        }
        return missing;
    }

    /**
     * {@link #restore} for each entry of {@code providers} (an {@code acme_providers} array) from
     * the entry of the same {@code name} in {@code storedProviders}.
     */
    public static List<ConfigProblem> restoreAll(JsonNode providers, JsonNode storedProviders, String path) {
        List<ConfigProblem> missing = new ArrayList<>();
        for (int i = 0; i < providers.size(); i++) {
            JsonNode entry = providers.get(i);
            missing.addAll(restore(entry, named(storedProviders, entry.path("name").asText(null)),
                    path + "[" + i + "]"));
        }
        return missing;
    }

    /**
     * {@code text} with every occurrence of each of {@code secrets} (nulls and values shorter
     * than 4 characters skipped) replaced by {@value #REDACTED}: for messages built from what a
     * remote API answered, which may echo a request back.
     */
    public static String scrub(String text, String... secrets) {
        String scrubbed = text;
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4 && scrubbed != null) {
                scrubbed = scrubbed.replace(secret, REDACTED);
            }
        }
        return scrubbed;
    }

    private static JsonNode named(JsonNode entries, String name) {
        if (entries == null || name == null) {
            return null;
        }
        for (JsonNode entry : entries) {
            if (name.equals(entry.path("name").asText(null))) {
                return entry;
            }
        }
        return null;
    }

    private static List<String> fields(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
