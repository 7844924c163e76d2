using System.Globalization;
using System.Text.Json;
using Pipeline.Correlation.Output;

namespace Pipeline.Probe;

/// <summary>
/// Writes a probe result as an event document (ECS-aligned: <c>event.*</c>, <c>destination.*</c>, <c>tls.*</c>, with
/// the SMTP details under <c>probe.*</c>), with a deterministic <c>event.id</c> (target + start time).
/// </summary>
public static class ProbeEventJson
{
    /// <summary>The <c>event.action</c> of probe results.</summary>
    public const string Action = "cpq_probe";

    /// <summary>The outcome's name in documents and tables (<c>starttls_not_offered</c>).</summary>
    public static string OutcomeName(ProbeOutcome o) => o switch
    {
        ProbeOutcome.Ok => "ok",
        ProbeOutcome.Refused => "refused",
        ProbeOutcome.Unreachable => "unreachable",
        ProbeOutcome.DnsFailed => "dns_failed",
        ProbeOutcome.Timeout => "timeout",
        ProbeOutcome.No220 => "no_220",
        ProbeOutcome.EhloRejected => "ehlo_rejected",
        ProbeOutcome.StartTlsNotOffered => "starttls_not_offered",
        ProbeOutcome.TlsHandshakeFailed => "tls_handshake_failed",
        ProbeOutcome.CertificateRejected => "certificate_rejected",
        _ => "error",
    };

    /// <summary>The deterministic event id.</summary>
    public static string EventId(ProbeResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"probe:{r.Target.Endpoint}:{r.StartedAt:yyyyMMdd'T'HHmmss.fffffff'Z'}");

    /// <summary>Writes one result.</summary>
    public static void Write(Utf8JsonWriter w, ProbeResult r, bool withTranscript = false)
    {
        w.WriteStartObject();
        w.WriteString("@timestamp"u8, DocumentJson.Time(r.StartedAt));
        w.WriteStartObject("event"u8);
        w.WriteString("id"u8, EventId(r));
        w.WriteString("kind"u8, "event");
        w.WriteString("dataset"u8, "pipeline.probe");
        w.WriteString("action"u8, Action);
        w.WriteString("outcome"u8, r.Succeeded ? "success" : "failure");
        w.WriteString("reason"u8, OutcomeName(r.Outcome));
        w.WriteNumber("duration"u8, (long)(r.Timings.TotalMs * 1_000_000)); // ECS: nanoseconds
        w.WriteEndObject();

        w.WriteStartObject("destination"u8);
        w.WriteString("address"u8, r.Target.Host);
        if (r.RemoteAddress is not null) w.WriteString("ip"u8, r.RemoteAddress);
        w.WriteNumber("port"u8, r.Target.Port);
        w.WriteEndObject();

        w.WriteStartObject("probe"u8);
        w.WriteString("target"u8, r.Target.Endpoint);
        if (r.Target.Appliance is not null) w.WriteString("appliance"u8, r.Target.Appliance); else w.WriteNull("appliance"u8);
        w.WriteString("source"u8, r.Target.Source);
        w.WriteString("tls_mode"u8, r.Target.Tls == ProbeTls.Implicit ? "implicit" : "starttls");
        w.WriteString("outcome"u8, OutcomeName(r.Outcome));
        w.WriteString("stage"u8, r.Stage.ToString().ToLowerInvariant());
        if (r.Banner is not null) w.WriteString("banner"u8, r.Banner); else w.WriteNull("banner"u8);
        w.WriteBoolean("starttls_offered"u8, r.StartTlsOffered);
        w.WriteStartArray("extensions"u8);
        foreach (var e in r.Extensions) w.WriteStringValue(e);
        w.WriteEndArray();
        w.WriteStartObject("rtt_ms"u8);
        Number(w, "connect"u8, r.Timings.ConnectMs);
        Number(w, "banner"u8, r.Timings.BannerMs);
        Number(w, "ehlo"u8, r.Timings.EhloMs);
        Number(w, "starttls"u8, r.Timings.StartTlsMs);
        Number(w, "tls_handshake"u8, r.Timings.TlsHandshakeMs);
        Number(w, "total"u8, r.Timings.TotalMs);
        w.WriteEndObject();
        if (r.Detail is not null) w.WriteString("detail"u8, r.Detail);
        if (withTranscript)
        {
            w.WriteStartArray("transcript"u8);
            foreach (var l in r.Transcript) w.WriteStringValue(l);
            w.WriteEndArray();
        }
        w.WriteEndObject();

        w.WriteStartObject("tls"u8);
        w.WriteBoolean("established"u8, r.TlsProtocol is not null);
        if (r.TlsProtocol is not null)
        {
            w.WriteString("version_protocol"u8, "tls");
            w.WriteString("version"u8, r.TlsProtocol.StartsWith("TLSv", StringComparison.Ordinal) ? r.TlsProtocol[4..] : r.TlsProtocol);
        }
        if (r.CipherSuite is not null) w.WriteString("cipher"u8, r.CipherSuite);
        if (r.Certificate is { } c)
        {
            w.WriteStartObject("server"u8);
            w.WriteString("subject"u8, c.Subject);
            w.WriteString("issuer"u8, c.Issuer);
            w.WriteString("not_before"u8, DocumentJson.Time(c.NotBefore));
            w.WriteString("not_after"u8, DocumentJson.Time(c.NotAfter));
            w.WriteStartObject("hash"u8);
            w.WriteString("sha256"u8, c.Sha256);
            w.WriteEndObject();
            w.WriteStartObject("x509"u8);
            w.WriteStartArray("alternative_names"u8);
            foreach (var n in c.AlternativeNames) w.WriteStringValue(n);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteBoolean("self_signed"u8, c.SelfSigned);
            w.WriteStartArray("chain_errors"u8);
            foreach (var e in c.ChainErrors) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();

        if (r.Error is not null)
        {
            w.WriteStartObject("error"u8);
            w.WriteString("message"u8, r.Error);
            w.WriteEndObject();
        }
        w.WriteString("message"u8, Summary(r));
        w.WriteEndObject();
    }

    /// <summary>One line in words: what worked or what failed.</summary>
    public static string Summary(ProbeResult r) => r.Succeeded
        ? $"{r.Target.Endpoint}: {r.Banner}; {r.TlsProtocol} {r.CipherSuite}" + (r.Certificate is { } c ? $"; certificate {c.Subject} until {c.NotAfter:yyyy-MM-dd}" : "")
        : $"{r.Target.Endpoint}: {r.Error}";

    private static void Number(Utf8JsonWriter w, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, Math.Round(v, 3));
        else w.WriteNull(name);
    }
}
