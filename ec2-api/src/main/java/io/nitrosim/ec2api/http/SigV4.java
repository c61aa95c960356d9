package io.nitrosim.ec2api.http;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;

/**
 * AWS Signature Version 4 on a request's {@code Authorization} header (AWS General Reference, "Signature Version 4
 * signing process"): canonical request, string to sign, signing key derived from the secret, date, region and
 * service, HMAC-SHA256.
 * <p>
 * Every request must be signed. Without {@link Credentials} any key is accepted once the header is well formed
 * (as local emulators do); with them the key must be known and the signature must match (AuthFailure), and the
 * request's date must be within 15 minutes of the server's clock (RequestExpired).
 */
public final class SigV4
{
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final HexFormat HEX = HexFormat.of();

    private final Credentials credentials;

    /** @param credentials the keys to verify against, or null to accept any key. */
    public SigV4(final Credentials credentials)
    {
        this.credentials = credentials;
    }

    public boolean verifies()
    {
        return credentials != null;
    }

    /** The parsed {@code Authorization} header. */
    public record Authorization(String accessKeyId, String date, String region, String service,
        List<String> signedHeaders, String signature)
    {
    }

    /**
     * Checks a request.
     *
     * @param header  a request header by lower-case name, or null.
     * @param now     the server's clock.
     * @return the parsed header.
     */
    public Authorization check(final String method, final String path, final String rawQuery,
        final Function<String, String> header, final byte[] body, final Instant now)
    {
        final String authorization = header.apply("authorization");
        if (authorization == null || authorization.isBlank())
        {
            throw new Ec2Exception(Ec2Error.MISSING_AUTHENTICATION_TOKEN,
                "The request must contain a Signature Version 4 Authorization header.");
        }
        final Authorization auth = parse(authorization);
        final String amzDate = header.apply("x-amz-date");
        if (amzDate == null)
        {
            throw incomplete("the request has no X-Amz-Date header");
        }
        final LocalDateTime requestTime;
        try
        {
            requestTime = LocalDateTime.parse(amzDate, AMZ_DATE);
        }
        catch (final DateTimeParseException ex)
        {
            throw incomplete("X-Amz-Date '" + amzDate + "' is not of the form yyyyMMddTHHmmssZ");
        }
        if (!amzDate.startsWith(auth.date()))
        {
            throw incomplete("the credential scope's date " + auth.date() + " is not the date of X-Amz-Date " + amzDate);
        }
        for (final String signed : auth.signedHeaders())
        {
            if (header.apply(signed) == null)
            {
                throw incomplete("signed header '" + signed + "' is not in the request");
            }
        }
        if (credentials == null)
        {
            return auth;
        }
        final String secret = credentials.secretOf(auth.accessKeyId());
        if (secret == null)
        {
            throw new Ec2Exception(Ec2Error.AUTH_FAILURE, Ec2Error.AUTH_FAILURE.description());
        }
        final Instant signedAt = requestTime.toInstant(ZoneOffset.UTC);
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0)
        {
            throw new Ec2Exception(Ec2Error.REQUEST_EXPIRED, "Request has expired: signed at " + amzDate
                + ", more than 15 minutes from the server's time");
        }
        final String expected = signature(secret, method, path, rawQuery, header, body, amzDate, auth);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
            auth.signature().getBytes(StandardCharsets.US_ASCII)))
        {
            throw new Ec2Exception(Ec2Error.AUTH_FAILURE, Ec2Error.AUTH_FAILURE.description());
        }
        return auth;
    }

    static Authorization parse(final String header)
    {
        final String value = header.strip();
        if (!value.startsWith(ALGORITHM + " "))
        {
            throw incomplete("the Authorization header must start with " + ALGORITHM);
        }
        final Map<String, String> fields = new TreeMap<>();
        for (final String part : value.substring(ALGORITHM.length()).split(","))
        {
            final int eq = part.indexOf('=');
            if (eq > 0)
            {
                fields.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        final String credential = fields.get("Credential");
        final String signedHeaders = fields.get("SignedHeaders");
        final String signature = fields.get("Signature");
        if (credential == null || signedHeaders == null || signature == null)
        {
            throw incomplete("the Authorization header needs Credential, SignedHeaders and Signature");
        }
        final String[] scope = credential.split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request") || scope[0].isEmpty() || scope[1].length() != 8)
        {
            throw incomplete("Credential '" + credential + "' is not KEY/yyyyMMdd/REGION/SERVICE/aws4_request");
        }
        if (!signature.matches("[0-9a-f]{64}"))
        {
            throw incomplete("Signature must be 64 lower-case hex digits");
        }
        final List<String> headers = new ArrayList<>();
        for (final String h : signedHeaders.split(";"))
        {
            if (h.isEmpty() || !h.equals(h.toLowerCase(Locale.ROOT)))
            {
                throw incomplete("SignedHeaders '" + signedHeaders + "' must be lower-case names separated by ';'");
            }
            headers.add(h);
        }
        if (!headers.contains("host"))
        {
            throw incomplete("SignedHeaders must include host");
        }
        return new Authorization(scope[0], scope[1], scope[2], scope[3], List.copyOf(headers), signature);
    }

    /** The signature AWS computes for this request with {@code secret}. */
    static String signature(final String secret, final String method, final String path, final String rawQuery,
        final Function<String, String> header, final byte[] body, final String amzDate, final Authorization auth)
    {
        final StringBuilder canonical = new StringBuilder(512);
        canonical.append(method).append('\n').append(path.isEmpty() ? "/" : path).append('\n')
            .append(canonicalQuery(rawQuery)).append('\n');
        for (final String name : auth.signedHeaders())
        {
            canonical.append(name).append(':').append(header.apply(name).strip().replaceAll(" +", " ")).append('\n');
        }
        canonical.append('\n').append(String.join(";", auth.signedHeaders())).append('\n');
        final String contentSha = header.apply("x-amz-content-sha256");
        canonical.append(contentSha != null && !contentSha.startsWith("UNSIGNED") ? contentSha : HEX.formatHex(sha256(body)));
        final String scope = auth.date() + "/" + auth.region() + "/" + auth.service() + "/aws4_request";
        final String toSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n"
            + HEX.formatHex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), auth.date());
        key = hmac(key, auth.region());
        key = hmac(key, auth.service());
        key = hmac(key, "aws4_request");
        return HEX.formatHex(hmac(key, toSign));
    }

    private static String canonicalQuery(final String rawQuery)
    {
        if (rawQuery == null || rawQuery.isEmpty())
        {
            return "";
        }
        final TreeMap<String, String> sorted = new TreeMap<>();
        for (final String pair : rawQuery.split("&"))
        {
            final int eq = pair.indexOf('=');
            sorted.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        final StringBuilder sb = new StringBuilder();
        sorted.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(k).append('=').append(v));
        return sb.toString();
    }

    private static byte[] sha256(final byte[] data)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(data);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }

    private static byte[] hmac(final byte[] key, final String data)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException | InvalidKeyException ex)
        {
            throw new IllegalStateException("every JDK has HmacSHA256", ex);
        }
    }

    private static Ec2Exception incomplete(final String detail)
    {
        return new Ec2Exception(Ec2Error.INCOMPLETE_SIGNATURE, "The request signature does not conform to AWS "
            + "standards: " + detail);
    }

    /** The time format of X-Amz-Date. */
    public static String amzDate(final Instant instant)
    {
        return AMZ_DATE.format(instant.atOffset(ZoneOffset.UTC));
    }
}
