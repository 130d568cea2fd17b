package dev.tributary.r2dbc.postgres;

import io.r2dbc.spi.Option;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Recognizes a request for Kerberos (GSSAPI/SSPI) authentication, which r2dbc-postgresql does not
 * implement (it answers cleartext password, MD5 and SCRAM-SHA-256 challenges only), and rejects it
 * at configuration time instead of letting the connection fail later with a vaguer error.
 * <p>
 * The names are the ones users of other PostgreSQL clients write:
 * <ul>
 *   <li>Npgsql (and .NET-style {@code Server=...;} AlloyDB strings): {@code Integrated Security},
 *       {@code Kerberos Service Name}, {@code Include Realm}, {@code GSS Encryption Mode};</li>
 *   <li>libpq: {@code krbsrvname}, {@code gsslib}, {@code gssencmode}, {@code gssdelegation},
 *       {@code require_auth=gss|sspi};</li>
 *   <li>pgjdbc: {@code gssEncMode}, {@code gsslib}, {@code kerberosServerName},
 *       {@code jaasApplicationName}, {@code jaasLogin}, {@code useSpnego},
 *       {@code sspiServiceClass}, {@code gssUseDefaultCreds};</li>
 *   <li>DataDirect-style: {@code AuthenticationMethod=kerberos}, {@code ServicePrincipalName}.</li>
 * </ul>
 * GSS encryption modes {@code disable}, {@code allow} and {@code prefer} are accepted: without
 * GSSAPI the driver never starts GSS encryption, as libpq built without GSSAPI does.
 */
final class GssapiRequest {

    static final String MESSAGE = "r2dbc-postgresql does not support Kerberos/GSSAPI authentication;"
            + " use password, md5 or scram-sha-256";

    /** Options that only mean something with Kerberos: present at all is a request. */
    private static final Set<String> NAMES = Set.of("kerberosservicename", "krbsrvname", "kerberosservername",
            "serviceprincipalname", "jaasapplicationname", "gsslib", "sspiserviceclass");

    /** Boolean switches that request Kerberos when on. */
    private static final Set<String> SWITCHES = Set.of("integratedsecurity", "includerealm", "jaaslogin", "usespnego",
            "gssusedefaultcreds", "gssdelegation");

    private static final Set<String> GSS_ENCRYPTION = Set.of("gssencmode", "gssencryptionmode");

    private static final Set<String> AUTHENTICATION_METHOD = Set.of("authmethod", "authenticationmethod", "requireauth");

    private static final Set<String> KERBEROS_METHODS = Set.of("gss", "gssapi", "kerberos", "krb5", "sspi", "negotiate", "spnego");

    /** Accepted authentication method names: what the driver answers (the server picks). */
    private static final Set<String> SUPPORTED_METHODS = Set.of("password", "md5", "scramsha256");

    private GssapiRequest() {
    }

    /**
     * @param options the options given
     * @param value   reads an option's value
     * @throws IllegalArgumentException saying r2dbc-postgresql does not support Kerberos/GSSAPI
     *                                  (and naming the option) if one asks for it; or naming an
     *                                  unsupported authentication method or GSS encryption mode
     */
    static void rejectIfRequested(Collection<Option<?>> options, Function<Option<?>, Object> value) {
        for (Option<?> option : options) {
            String key = PostgresSetting.key(option.name());
            String name = option.name();
            String text = String.valueOf(value.apply(option)).trim().toLowerCase(Locale.ROOT);
            if (NAMES.contains(key)) {
                throw kerberos(name);
            }
            if (SWITCHES.contains(key) && isOn(text)) {
                throw kerberos(name);
            }
            if (GSS_ENCRYPTION.contains(key)) {
                if (text.equals("require")) {
                    throw kerberos(name);
                }
                if (!Set.of("disable", "allow", "prefer").contains(text)) {
                    throw new IllegalArgumentException("Option '" + name + "' must be disable, allow or prefer (GSS encryption"
                            + " is not available: " + MESSAGE + "); was '" + text + "'");
                }
            }
            if (AUTHENTICATION_METHOD.contains(key)) {
                String method = PostgresSetting.key(text);
                if (KERBEROS_METHODS.contains(method)) {
                    throw kerberos(name);
                }
                if (key.equals("requireauth")) {
                    throw new IllegalArgumentException("Option '" + name + "' (libpq's require_auth) is not supported:"
                            + " r2dbc-postgresql answers whichever of password, md5 and scram-sha-256 the server asks for");
                }
                if (!SUPPORTED_METHODS.contains(method)) {
                    throw new IllegalArgumentException("Option '" + name + "' must be password, md5 or scram-sha-256 (the server"
                            + " chooses the method in pg_hba.conf; these are the ones the driver answers); was '" + text + "'");
                }
            }
        }
    }

    /**
     * @param name an option name
     * @return whether it is one of the Kerberos/GSSAPI names above (whatever its value)
     */
    static boolean isKerberosOption(String name) {
        String key = PostgresSetting.key(name);
        return NAMES.contains(key) || SWITCHES.contains(key) || GSS_ENCRYPTION.contains(key) || AUTHENTICATION_METHOD.contains(key);
    }

    private static boolean isOn(String text) {
        return text.equals("true") || text.equals("yes") || text.equals("on") || text.equals("1") || text.equals("sspi");
    }

    private static IllegalArgumentException kerberos(String optionName) {
        return new IllegalArgumentException(MESSAGE + " (asked for by option '" + optionName + "')");
    }
}
