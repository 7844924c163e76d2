namespace Pipeline.Protocol;

/// <summary>
/// A message between correlation stages (docs/architecture.md, "Stages and their messages"). Every message names
/// its <see cref="Source"/> (the appliance whose stage sent it) and carries that source's <see cref="Sequence"/>
/// (1, 2, 3 ... over everything the source sends), so a receiver that has applied a message ignores it when it comes
/// again: replays after a restart and at-least-once delivery change nothing. Messages are immutable; the
/// <see cref="Hop"/> and <see cref="AlertState"/> they carry are the sender's final copies, which no one changes.
/// </summary>
/// <param name="Source">The sending appliance stage (its appliance name).</param>
/// <param name="Sequence">Position in everything that source sends, from 1.</param>
public abstract record StageMessage(string Source, long Sequence)
{
    /// <summary>Format version written in front of every serialized message (<see cref="Serialization.StageMessageSerializer"/>).</summary>
    public const byte FormatVersion = 1;
}

/// <summary>A message for one join partition: the partition is <see cref="JoinKey"/> modulo the partition count.</summary>
/// <param name="Source">The sending appliance stage.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="JoinKey">The key that every hop of one message journey gets (docs/architecture.md, "Join keys").</param>
public abstract record JoinMessage(string Source, long Sequence, ulong JoinKey) : StageMessage(Source, Sequence);

/// <summary>A hop is handed on: its message ended on the appliance (final) or was given up at the horizon.</summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="JoinKey">The journey's join key.</param>
/// <param name="Hop">The hop as it stands.</param>
public sealed record HopHandedOn(string Source, long Sequence, ulong JoinKey, Hop Hop) : JoinMessage(Source, Sequence, JoinKey);

/// <summary>Two hops of the same appliance are linked (rewritten, reinjected, released copy, split, copy, bounce).</summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="JoinKey">The join key, shared by both hops.</param>
/// <param name="Parent">The earlier hop.</param>
/// <param name="Child">The later hop.</param>
/// <param name="Kind">How they are linked.</param>
public sealed record HopsLinked(string Source, long Sequence, ulong JoinKey, HopKey Parent, HopKey Child, LinkKind Kind)
    : JoinMessage(Source, Sequence, JoinKey);

/// <summary>
/// A hop was accepted by another appliance at <see cref="TargetIp"/> as <see cref="TargetMid"/> (a CPQ hand-off, or a
/// release delivered back): the join partition resolves the address to an appliance from <see cref="AddressLearned"/>.
/// </summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="JoinKey">The join key of <see cref="From"/>.</param>
/// <param name="From">The hop that was handed over.</param>
/// <param name="TargetIp">The address that accepted it.</param>
/// <param name="TargetMid">The MID it got there.</param>
/// <param name="Kind"><see cref="LinkKind.CpqTransfer"/> or <see cref="LinkKind.CpqReturn"/>.</param>
public sealed record HopAcceptedElsewhere(string Source, long Sequence, ulong JoinKey, HopKey From, string TargetIp, long TargetMid, LinkKind Kind)
    : JoinMessage(Source, Sequence, JoinKey);

/// <summary>The appliance showed <see cref="Ip"/> as its own (an <c>interface ... (ip)</c> line). Sent to every partition and the estate.</summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="Ip">The address.</param>
public sealed record AddressLearned(string Source, long Sequence, string Ip) : StageMessage(Source, Sequence);

/// <summary>
/// The appliance's event time moved on (sent every ten minutes of it, to every partition): bookkeeping older than
/// <see cref="SettledBefore"/> may go, and flows last seen before <see cref="HorizonBefore"/> are handed on as they stand.
/// </summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="SettledBefore">UTC ticks: the appliance's connections and recent flow ids before this are settled.</param>
/// <param name="HorizonBefore">UTC ticks: the horizon.</param>
public sealed record ApplianceClock(string Source, long Sequence, long SettledBefore, long HorizonBefore) : StageMessage(Source, Sequence);

/// <summary>An alert of the appliance opened, changed or resolved (to the estate stage).</summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="Alert">The alert as it stands after the change.</param>
/// <param name="Change">What changed.</param>
public sealed record AlertChanged(string Source, long Sequence, AlertState Alert, AlertChange Change) : StageMessage(Source, Sequence);

/// <summary>A point of a CPQ queue's backlog series (the.cpq.host or the.cpq.release.host), for the report.</summary>
/// <param name="Source">The appliance holding the queue.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="Kind">The alert kind the queue raises (<c>cpq_queue_stuck</c> or <c>cpq_release_stuck</c>).</param>
/// <param name="Peer">The receiving peer's address, if known.</param>
/// <param name="Time">UTC ticks.</param>
/// <param name="Waiting">Messages waiting.</param>
/// <param name="OldestAge">Age of the oldest waiting message, ticks.</param>
public sealed record QueueSampled(string Source, long Sequence, string Kind, string? Peer, long Time, int Waiting, long OldestAge)
    : StageMessage(Source, Sequence);

/// <summary>The appliance logged nothing from <see cref="From"/> to <see cref="To"/> (longer than the silence threshold).</summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="From">Last line before the gap (UTC ticks).</param>
/// <param name="To">First line after it.</param>
public sealed record LineGap(string Source, long Sequence, long From, long To) : StageMessage(Source, Sequence);

/// <summary>The appliance's activity so far (sent with every clock message and at the end of input): the latest wins.</summary>
/// <param name="Source">The appliance.</param>
/// <param name="Sequence">Position in what the source sends.</param>
/// <param name="Role">Its role, configured or as its lines show it.</param>
/// <param name="Lines">Lines stitched.</param>
/// <param name="MinTime">Oldest line time (UTC ticks).</param>
/// <param name="MaxTime">Newest line time.</param>
/// <param name="OpenMessages">Messages in progress.</param>
public sealed record ApplianceActivity(string Source, long Sequence, ApplianceRole Role, long Lines, long MinTime, long MaxTime, int OpenMessages)
    : StageMessage(Source, Sequence);
