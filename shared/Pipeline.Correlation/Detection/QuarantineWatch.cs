using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Detection;

/// <summary>
/// Quarantine health on one appliance: <c>unable to quarantine ... unavailable</c>, <c>Quarantine "X" is N% full</c>,
/// <c>Quarantine: Failed to connect</c>, application faults. Opens on the first problem line; resolves at the first
/// message quarantined after the last problem, unless a problem returns within <see cref="CorrelationOptions.ReopenWithin"/>
/// (then the same alert goes on).
/// </summary>
public sealed class QuarantineWatch(string appliance)
{
    private long _lastProblem;
    private long _firstOkAfterProblem;

    /// <summary>The open alert, if any.</summary>
    public AlertState? OpenAlert { get; private set; }

    internal void Write(ProtocolWriter w)
    {
        w.Varint(_lastProblem);
        w.Varint(_firstOkAfterProblem);
        w.Bool(OpenAlert is not null);
        if (OpenAlert is not null) PayloadCodec.WriteAlert(w, OpenAlert);
    }

    internal void Read(ref ProtocolReader r)
    {
        _lastProblem = r.Varint();
        _firstOkAfterProblem = r.Varint();
        OpenAlert = r.Bool() ? PayloadCodec.ReadAlert(ref r) : null;
    }

    /// <summary>A problem line.</summary>
    public void Problem(long now, string cause, string? detail, string? quarantine, long mid, CorrelationOptions options, AlertBook book)
    {
        Evaluate(now, options, book); // a problem long after the quarantine recovered is a new alert
        _lastProblem = Math.Max(_lastProblem, now);
        _firstOkAfterProblem = 0;
        if (OpenAlert is null) OpenAlert = book.Open(Model.AlertKinds.QuarantineUnavailable, appliance, null, now);
        var a = OpenAlert;
        a.Messages++;
        // The most serious cause wins the hint: a fault explains "full" and "unavailable" lines that follow it.
        if (a.Cause is null || Rank(cause) > Rank(a.Cause)) a.Cause = cause;
        a.LastError = detail ?? a.LastError;
        a.Quarantine = quarantine ?? a.Quarantine;
        if (mid >= 0 && a.SampleMids.Count < options.SampleMids) a.SampleMids.Add(mid);
        book.Updated(a, now);
    }

    /// <summary>A message was quarantined successfully.</summary>
    public void Quarantined(long now)
    {
        if (OpenAlert is not null && now > _lastProblem && _firstOkAfterProblem == 0) _firstOkAfterProblem = now;
    }

    /// <summary>Resolves (at the first successful quarantine) once no problem came back within the hold.</summary>
    public void Evaluate(long now, CorrelationOptions options, AlertBook book)
    {
        if (OpenAlert is null || _firstOkAfterProblem == 0 || now < _firstOkAfterProblem + options.ReopenWithin.Ticks) return;
        Finish(book);
    }

    /// <summary>End of input: an alert with a successful quarantine since its last problem is resolved then.</summary>
    public void Finish(AlertBook book)
    {
        if (OpenAlert is null || _firstOkAfterProblem == 0) return;
        book.Resolve(OpenAlert, _firstOkAfterProblem);
        OpenAlert = null;
        _firstOkAfterProblem = 0;
    }

    private static int Rank(string cause) => cause switch
    {
        "application_fault" => 3,
        "unavailable" or "connect_failed" => 2,
        _ => 1,
    };
}
