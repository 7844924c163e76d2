namespace Pipeline.Protocol;

/// <summary>One message on one appliance: MIDs are per-appliance counters, so the key carries the appliance.</summary>
/// <param name="Appliance">Appliance name.</param>
/// <param name="Mid">The appliance's message id.</param>
public readonly record struct HopKey(string Appliance, long Mid) : IComparable<HopKey>
{
    /// <summary><c>appliance:mid</c>.</summary>
    public override string ToString() => $"{Appliance}:{Mid}";

    /// <summary>Ordinal order: appliance name, then MID.</summary>
    public static int Compare(HopKey a, HopKey b)
    {
        int c = string.CompareOrdinal(a.Appliance, b.Appliance);
        return c != 0 ? c : a.Mid.CompareTo(b.Mid);
    }

    /// <inheritdoc cref="Compare"/>
    public int CompareTo(HopKey other) => Compare(this, other);
}

/// <summary>How two hops are related.</summary>
public enum LinkKind : byte
{
    /// <summary><c>MID a rewritten to MID b</c>: the same message continues as b (same flow).</summary>
    Rewritten,
    /// <summary><c>EUQ: Reinjected MID a as MID b</c> (same flow).</summary>
    Reinjected,
    /// <summary>An ESA handed the message to another appliance's CPQ listener, which accepted it as MID b (same flow).</summary>
    CpqTransfer,
    /// <summary>An SMA delivered a released message back to an ESA, which accepted it as MID b (same flow).</summary>
    CpqReturn,
    /// <summary><c>MID b received from the SMA ... (MID originally a)</c> on the ESA (same flow).</summary>
    ReleaseReceived,
    /// <summary>Joined by Message-ID, envelope and time (no id link in the logs) (same flow).</summary>
    MessageIdMatch,
    /// <summary><c>MID a was split creating MID b</c>: b is a new flow whose parent is a.</summary>
    Split,
    /// <summary><c>MID b was generated based on MID a</c> (bcc copy): a new flow whose parent is a.</summary>
    Generated,
    /// <summary><c>MID b was generated for bounce of MID a</c>: a new flow whose parent is a.</summary>
    BounceOf,
}

/// <summary>Traits of <see cref="LinkKind"/>.</summary>
public static class LinkKinds
{
    /// <summary>True when both ends belong to one flow (the message continues); false for split, copy and bounce.</summary>
    public static bool Continues(this LinkKind kind) => kind <= LinkKind.MessageIdMatch;

    /// <summary>snake_case name for documents.</summary>
    public static string Name(this LinkKind kind) => kind switch
    {
        LinkKind.Rewritten => "rewritten",
        LinkKind.Reinjected => "reinjected",
        LinkKind.CpqTransfer => "cpq_transfer",
        LinkKind.CpqReturn => "cpq_return",
        LinkKind.ReleaseReceived => "release_received",
        LinkKind.MessageIdMatch => "message_id_match",
        LinkKind.Split => "split",
        LinkKind.Generated => "generated",
        _ => "bounce_of",
    };
}
