namespace Pipeline.Protocol;

/// <summary>What an appliance is in the CPQ round trip.</summary>
public enum ApplianceRole : byte
{
    /// <summary>Not known yet (inferred from its lines).</summary>
    Unknown = 0,
    /// <summary>Email Security Appliance: scans mail, hands quarantined messages to an SMA.</summary>
    Esa,
    /// <summary>Security Management Appliance: holds the centralized quarantines.</summary>
    Sma,
}

/// <summary>Names of <see cref="ApplianceRole"/> values.</summary>
public static class ApplianceRoles
{
    /// <summary><c>esa</c> or <c>sma</c>, as documents name roles (an appliance not known to be an SMA is an ESA).</summary>
    public static string Name(this ApplianceRole role) => role == ApplianceRole.Sma ? "sma" : "esa";
}
