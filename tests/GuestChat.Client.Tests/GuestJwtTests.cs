using System.Text;
using GuestChat.Client.Authentication;

namespace GuestChat.Client.Tests;

public sealed class GuestJwtTests
{
    private static string Token(string payload) =>
        $"{Encode("""{"alg":"RS256","kid":"k","typ":"JWT"}""")}.{Encode(payload)}.c2lnbmF0dXJl";

    private static readonly string Sample = Token("""{"data":{"conv":"c-1","did":"d-1","sub":"m-1"},"org":"o-1","iss":"urn:purecloud:webchat","iat":1700000000,"exp":1700075600}""");

    [Fact]
    public void Claims_are_read_without_verifying()
    {
        var jwt = new GuestJwt(Sample);
        Assert.Equal(new GuestJwtClaims("c-1", "d-1", "m-1", "o-1", "urn:purecloud:webchat",
            DateTimeOffset.FromUnixTimeSeconds(1700000000), DateTimeOffset.FromUnixTimeSeconds(1700075600)), jwt.Claims);
        Assert.True(jwt.IsExpiredAt(DateTimeOffset.FromUnixTimeSeconds(1700075600)));
        Assert.False(jwt.IsExpiredAt(DateTimeOffset.FromUnixTimeSeconds(1700075599)));
    }

    [Fact]
    public void The_token_never_shows_in_ToString_or_in_a_record_that_holds_it()
    {
        var jwt = new GuestJwt(Sample);
        var holder = new Holder("chat", jwt);
        Assert.DoesNotContain(Sample, jwt.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Sample.Split('.')[1], holder.ToString(), StringComparison.Ordinal);
        Assert.Contains("c-1", jwt.ToString(), StringComparison.Ordinal);
        Assert.Equal(Sample, jwt.Reveal());
        Assert.Equal("GuestJwt(unreadable)", new GuestJwt("opaque").ToString());
        Assert.Equal("GuestJwt(none)", default(GuestJwt).ToString());
    }

    [Fact]
    public void The_token_is_kept_once_as_the_authorization_header_and_revealed_from_it()
    {
        var jwt = new GuestJwt(Sample);
        Assert.Equal("Bearer " + Sample, jwt.AuthorizationHeader);
        Assert.Equal(Sample, jwt.RevealMemory().ToString());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetString(jwt.RevealMemory(), out var held, out var start, out _));
        Assert.Same(jwt.AuthorizationHeader, held);
        Assert.Equal("Bearer ".Length, start);
        Assert.Equal(new GuestJwt(Sample), jwt);
        Assert.NotEqual(new GuestJwt(Sample + "x"), jwt);
        Assert.Throws<InvalidOperationException>(() => default(GuestJwt).AuthorizationHeader);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("a.!!!.c")]
    [InlineData("eyJ9.eyJ9.c")]
    public void Anything_but_a_guest_jwt_has_no_claims(string token) =>
        Assert.False(GuestJwtClaims.TryRead(token, out _));

    [Fact]
    public void A_payload_without_a_claim_the_api_needs_has_no_claims() =>
        Assert.False(GuestJwtClaims.TryRead(Token("""{"data":{"conv":"c","did":"d"},"org":"o","iss":"i","iat":1,"exp":2}"""), out _));

    private static string Encode(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Holder(string Name, GuestJwt Jwt);
}
