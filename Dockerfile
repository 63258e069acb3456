# Until the service exists (GuestChat.Host), the image serves the emulator.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/GuestChat.Client/GuestChat.Client.csproj src/GuestChat.Client/
COPY src/GuestChat.Emulator/GuestChat.Emulator.csproj src/GuestChat.Emulator/
RUN dotnet restore src/GuestChat.Emulator/GuestChat.Emulator.csproj
COPY src/ src/
RUN dotnet publish src/GuestChat.Emulator/GuestChat.Emulator.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "GuestChat.Emulator.dll", "--urls", "http://0.0.0.0:8080"]
