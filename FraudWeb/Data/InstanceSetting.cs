namespace FraudWeb.Data;

/// <summary>
/// A fact the installation keeps about itself, by name: so far the check of the card fingerprint key its cards were
/// stored with (<see cref="Infrastructure.Security.CardKeyCheck"/>).
/// </summary>
public sealed class InstanceSetting
{
    public const int NameMaxLength = 100;
    public const int ValueMaxLength = 200;

    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}
