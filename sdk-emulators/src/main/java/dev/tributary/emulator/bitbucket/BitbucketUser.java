package dev.tributary.emulator.bitbucket;

/**
 * An account of the emulator, as seeded with {@link BitbucketEmulator#seedUser(String, String, String)}.
 *
 * @param uuid        the account's UUID in braces, {@code {xxxxxxxx-...}}, as the API writes it
 * @param accountId   the Atlassian account id ({@code 557058:<uuid>})
 * @param nickname    the nickname (unique in the emulator)
 * @param displayName the display name
 * @param email       the e-mail address, the user name of API-token Basic authentication
 */
public record BitbucketUser(String uuid, String accountId, String nickname, String displayName, String email) {
}
