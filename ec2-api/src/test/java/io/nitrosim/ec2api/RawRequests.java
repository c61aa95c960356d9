package io.nitrosim.ec2api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Hand-made requests, signed by the AWS SDK's own SigV4 signer, sent with the JDK's HTTP client. */
final class RawRequests
{
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");

    private final String endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    RawRequests(final String endpoint)
    {
        this.endpoint = endpoint;
    }

    record Reply(int status, String body)
    {
        String code()
        {
            final Matcher m = CODE.matcher(body);
            return m.find() ? m.group(1) : null;
        }
    }

    /** POSTs {@code body} signed with the given key (null: unsigned). */
    Reply post(final String body, final String accessKey, final String secret) throws Exception
    {
        return send("POST", body.getBytes(StandardCharsets.UTF_8), accessKey, secret);
    }

    Reply send(final String method, final byte[] body, final String accessKey, final String secret) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint + "/"))
            .timeout(Duration.ofSeconds(30))
            .method(method, body.length == 0 && !method.equals("POST") ? HttpRequest.BodyPublishers.noBody() :
                HttpRequest.BodyPublishers.ofByteArray(body))
            .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        if (accessKey != null)
        {
            final SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(endpoint + "/"))
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build();
            final SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secret))
                .request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ec2")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
            for (final Map.Entry<String, List<String>> h : signed.request().headers().entrySet())
            {
                if (!h.getKey().equalsIgnoreCase("host") && !h.getKey().equalsIgnoreCase("content-type"))
                {
                    request.header(h.getKey(), h.getValue().get(0));
                }
            }
        }
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }
}
