using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation;

/// <summary>
/// Which appliance owns which address, as the appliances showed them (<c>interface ... (ip)</c> lines, received as
/// <see cref="Protocol.AddressLearned"/>) and as configured. The join and estate stages each keep one. An address
/// claimed by several appliances belongs to the first in ordinal order, so the answer does not depend on which
/// appliance's lines came first.
/// </summary>
public sealed class AddressBook
{
    private readonly Dictionary<string, SortedSet<string>> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _configured = new(StringComparer.Ordinal);

    /// <summary>A book that starts with the configured addresses.</summary>
    public AddressBook(IReadOnlyDictionary<string, string>? configured = null)
    {
        foreach (var (ip, name) in configured ?? new Dictionary<string, string>()) _configured[ip] = name;
    }

    /// <summary>Raised when an address is first tied to an appliance (address, appliance).</summary>
    public event Action<string, string>? IpLearned;

    /// <summary>An address shown by an appliance as its own.</summary>
    public void Learn(string appliance, string ip)
    {
        if (!_claims.TryGetValue(ip, out var set)) _claims[ip] = set = new SortedSet<string>(StringComparer.Ordinal);
        if (set.Add(appliance) && set.Count == 1 && !_configured.ContainsKey(ip)) IpLearned?.Invoke(ip, appliance);
    }

    /// <summary>The appliance that owns an address (configured first, then the first claimant in ordinal order), or null.</summary>
    public string? ApplianceByIp(string? ip)
    {
        if (ip is null) return null;
        if (_configured.TryGetValue(ip, out var name)) return name;
        return _claims.TryGetValue(ip, out var set) && set.Count > 0 ? set.Min : null;
    }

    /// <summary>Addresses known for an appliance, in ordinal order.</summary>
    public IEnumerable<string> IpsOf(string appliance) =>
        _claims.Where(kv => kv.Value.Contains(appliance)).Select(kv => kv.Key)
            .Concat(_configured.Where(kv => kv.Value == appliance).Select(kv => kv.Key)).Distinct().Order(StringComparer.Ordinal);

    /// <summary>A peer for output: the appliance name when the address is known, else the address.</summary>
    public string? PeerName(string? ip) => ip is null or "" ? null : ApplianceByIp(ip) ?? ip;

    /// <summary>Writes the learned claims (the configured ones come from the configuration again).</summary>
    public void Write(ProtocolWriter w) =>
        w.List(_claims.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList(), static (w, kv) =>
        {
            w.String(kv.Key);
            w.List(kv.Value, static (w, name) => w.String(name));
        });

    /// <summary>Reads what <see cref="Write"/> wrote into this (new) book, without raising <see cref="IpLearned"/>.</summary>
    public void Read(ref ProtocolReader r)
    {
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var set = _claims[r.RequiredString()] = new SortedSet<string>(StringComparer.Ordinal);
            for (int j = 0, m = r.Count(); j < m; j++) set.Add(r.RequiredString());
        }
    }
}
