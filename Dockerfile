# ptzgrab: build on Debian 12, run on Debian 12 slim with ffmpeg and the runtime libraries only.
# The build stage installs exactly what scripts/install-deps.sh installs on a host.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN bash scripts/make-demo-media.sh \
 && cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build /build -j"$(nproc)" \
 && cmake --install /build --prefix /opt/ptzgrab

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ffmpeg ca-certificates \
      libopencv-core406 libopencv-imgproc406 libturbojpeg0 \
      libboost-json1.81.0 libboost-filesystem1.81.0 libxml2 libyaml-cpp0.7 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/ptzgrab --create-home ptzgrab
COPY --from=build /opt/ptzgrab/ /usr/local/
USER ptzgrab
WORKDIR /var/lib/ptzgrab
EXPOSE 8080
ENTRYPOINT ["ptzgrab"]
# The container's port must be reachable from outside it; set --token (or $PTZGRAB_TOKEN) there.
CMD ["serve", "--bind", "0.0.0.0", "--static-dir", "/var/lib/ptzgrab/static"]
