# The service: `serve` on port 8080, against the embedded emulator unless GUESTCHAT_Target__Environment
# names a region or base URL. Run it with the API key in the environment, never in the image:
#   docker build -t guestchat .
#   docker run -p 8080:8080 -e GUESTCHAT_Service__ApiKey=<a secret of 16+ characters> guestchat
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/GuestChat.Client/GuestChat.Client.csproj src/GuestChat.Client/
COPY src/GuestChat.Emulator/GuestChat.Emulator.csproj src/GuestChat.Emulator/
COPY src/GuestChat.Actors/GuestChat.Actors.csproj src/GuestChat.Actors/
COPY src/GuestChat.Host/GuestChat.Host.csproj src/GuestChat.Host/
RUN dotnet restore src/GuestChat.Host/GuestChat.Host.csproj -r linux-x64 -p:PublishReadyToRun=true
COPY src/ src/
COPY config/ config/
COPY hocon/ hocon/
# Ahead-of-time compiled (ReadyToRun): a fresh process spends about a third less CPU warming up (docs/performance.md).
RUN dotnet publish src/GuestChat.Host/GuestChat.Host.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# Conversations journal to data/guestchat.db under the working directory: a volume, so a new container resumes the chats.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
VOLUME /app/data
ENV GUESTCHAT_Urls=http://0.0.0.0:8080 \
    GUESTCHAT_Service__LogFormat=json
# The base image's non-root user.
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "GuestChat.Host.dll", "serve"]
