using Pipeline.Correlation.State;

namespace Pipeline.Correlation;

/// <summary>
/// The estate as learned from the lines and the configuration: each appliance's addresses (from its own
/// <c>interface ... (ip)</c> lines) and its role. Lookups that decide output are made at output time so that the
/// result does not depend on which appliance's lines arrived first.
/// </summary>
public sealed class ApplianceDirectory
{
    private readonly Dictionary<string, SortedSet<string>> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _configuredIps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApplianceRole> _configuredRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _roleEvidence = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Raised when an address is first tied to an appliance.</summary>
    public event Action<string, string>? IpLearned;

    /// <summary>Appliance names seen or configured, in ordinal order.</summary>
    public IReadOnlyCollection<string> Names => _names;

    internal DirectorySnapshot Snapshot() => new()
    {
        Names = [.. _names],
        Claims = _claims.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.Ordinal),
        ConfiguredIps = new(_configuredIps, StringComparer.Ordinal),
        ConfiguredRoles = new(_configuredRoles, StringComparer.Ordinal),
        RoleEvidence = _roleEvidence.ToDictionary(kv => kv.Key, kv => (int[])kv.Value.Clone(), StringComparer.Ordinal),
    };

    internal void Restore(DirectorySnapshot s)
    {
        foreach (var n in s.Names) _names.Add(n);
        foreach (var (ip, names) in s.Claims) _claims[ip] = new SortedSet<string>(names, StringComparer.Ordinal);
        foreach (var (ip, n) in s.ConfiguredIps) _configuredIps[ip] = n;
        foreach (var (n, r) in s.ConfiguredRoles) _configuredRoles[n] = r;
        foreach (var (n, c) in s.RoleEvidence) _roleEvidence[n] = (int[])c.Clone();
    }

    /// <summary>Registers an appliance name.</summary>
    public void Register(string name) => _names.Add(name);

    /// <summary>Fixes an appliance's role (<c>--role NAME=esa|sma</c>).</summary>
    public void ConfigureRole(string name, ApplianceRole role)
    {
        Register(name);
        _configuredRoles[name] = role;
    }

    /// <summary>Ties an address to an appliance by configuration; it wins over learned addresses.</summary>
    public void ConfigureIp(string name, string ip)
    {
        Register(name);
        _configuredIps[ip] = name;
        IpLearned?.Invoke(ip, name);
    }

    /// <summary>An address seen in the appliance's own lines.</summary>
    public void LearnIp(string appliance, string ip)
    {
        if (!_claims.TryGetValue(ip, out var set)) _claims[ip] = set = new SortedSet<string>(StringComparer.Ordinal);
        if (set.Add(appliance) && set.Count == 1 && !_configuredIps.ContainsKey(ip)) IpLearned?.Invoke(ip, appliance);
    }

    /// <summary>The appliance that owns an address; with several claimants the first in ordinal order; null if unknown.</summary>
    public string? ApplianceByIp(string? ip)
    {
        if (ip is null) return null;
        if (_configuredIps.TryGetValue(ip, out var name)) return name;
        return _claims.TryGetValue(ip, out var set) && set.Count > 0 ? set.Min : null;
    }

    /// <summary>Addresses known for an appliance.</summary>
    public IEnumerable<string> IpsOf(string appliance) =>
        _claims.Where(kv => kv.Value.Contains(appliance)).Select(kv => kv.Key)
            .Concat(_configuredIps.Where(kv => kv.Value == appliance).Select(kv => kv.Key)).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Counts a sign of what the appliance is.</summary>
    internal void AddRoleEvidence(string appliance, ApplianceRole role)
    {
        if (!_roleEvidence.TryGetValue(appliance, out var counts)) _roleEvidence[appliance] = counts = new int[3];
        counts[(int)role]++;
    }

    /// <summary>
    /// The role: configured, else inferred (an appliance whose CPQ arrivals are quarantined and that never hands
    /// messages to a CPQ is an SMA), else ESA.
    /// </summary>
    public ApplianceRole RoleOf(string appliance)
    {
        if (_configuredRoles.TryGetValue(appliance, out var role)) return role;
        if (_roleEvidence.TryGetValue(appliance, out var c) && c[(int)ApplianceRole.Sma] > c[(int)ApplianceRole.Esa])
            return ApplianceRole.Sma;
        return ApplianceRole.Esa;
    }

    /// <summary><c>esa</c> or <c>sma</c>.</summary>
    public string RoleName(string appliance) => RoleOf(appliance) == ApplianceRole.Sma ? "sma" : "esa";

    /// <summary>A peer for output: the appliance name when the address is known, else the address.</summary>
    public string? PeerName(string? ip) => ip is null or "" ? null : ApplianceByIp(ip) ?? ip;
}
