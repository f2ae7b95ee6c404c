using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Authority;

/// <summary>
/// Outside the Development environment, CA keys sealed only by a key ring lying in clear beside
/// them would be a copy of the CA in every copy of the data directory: an HSM or a passphrase is required.
/// </summary>
public sealed class KeyCustodyValidation(IHostEnvironment environment) : IValidateOptions<CaOptions>
{
    public ValidateOptionsResult Validate(string? name, CaOptions options) =>
        environment.IsDevelopment() || options.Hsm.Enabled || options.KeyPassphrase is { Length: > 0 }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"In the {environment.EnvironmentName} environment the CA keys and the key ring need an HSM (Enrollment:Ca:Hsm:Library) " +
                "or a passphrase (Enrollment:Ca:KeyPassphrase, best given as the environment variable Enrollment__Ca__KeyPassphrase). " +
                "For a trial on this machine, run with ASPNETCORE_ENVIRONMENT=Development.");
}
