namespace Enrollment.Web.Features.Publication;

internal static partial class PublicationLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Answering an OCSP request failed; sent internalError")]
    public static partial void OcspFailed(ILogger logger, Exception exception);
}
