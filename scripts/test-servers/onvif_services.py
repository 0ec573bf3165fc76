"""SOAP operations of the loopback ONVIF test camera (onvif_camera.py): device, media and PTZ services."""

from datetime import datetime, timezone
from xml.sax.saxutils import escape

from onvif_soap import (DEFAULT_TIMEOUT_S, FPS, NS, PROFILE, PT_FOV, PT_POSITION, PT_SPEED, PT_TRANSLATION,
                        PT_VELOCITY, PTZ_CONFIG, PTZ_NODE, STREAM_H, STREAM_W, VIDEO_SOURCE, Z_POSITION, Z_SPEED,
                        Z_TRANSLATION, Z_VELOCITY, bad_arg, child, not_supported, parse_duration, position_xml,
                        range_xml, speed_rates, text_of, vector)


class Services:
    """Operation handlers: each takes the request element and returns the body XML or raises Fault."""

    def __init__(self, a, cam, auth):
        self.a, self.cam, self.auth = a, cam, auth

    def handlers(self):
        d, m, p = NS["tds"], NS["trt"], NS["tptz"]
        return {
            (d, "GetSystemDateAndTime"): self.get_system_date_and_time,
            (d, "GetDeviceInformation"): self.get_device_information,
            (d, "GetServices"): self.get_services,
            (d, "GetCapabilities"): self.get_capabilities,
            (m, "GetProfiles"): self.get_profiles,
            (m, "GetProfile"): self.get_profile,
            (m, "GetVideoSources"): self.get_video_sources,
            (m, "GetStreamUri"): self.get_stream_uri,
            (p, "GetNodes"): self.get_nodes,
            (p, "GetNode"): self.get_node,
            (p, "GetConfigurations"): self.get_configurations,
            (p, "GetConfiguration"): self.get_configuration,
            (p, "GetConfigurationOptions"): self.get_configuration_options,
            (p, "GetStatus"): self.get_status,
            (p, "ContinuousMove"): self.continuous_move,
            (p, "RelativeMove"): self.relative_move,
            (p, "AbsoluteMove"): self.absolute_move,
            (p, "Stop"): self.stop,
            (p, "GetPresets"): self.get_presets,
            (p, "SetPreset"): self.set_preset,
            (p, "RemovePreset"): self.remove_preset,
            (p, "GotoPreset"): self.goto_preset,
            (p, "GotoHomePosition"): self.goto_home,
            (p, "SetHomePosition"): self.set_home,
        }

    # -- device --
    def get_system_date_and_time(self, req, host):
        t = datetime.fromtimestamp(self.auth.camera_now(), timezone.utc)
        return ("<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
                "<tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
                "<tt:TimeZone><tt:TZ>UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime>"
                "<tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d</tt:Second></tt:Time>"
                "<tt:Date><tt:Year>%d</tt:Year><tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date>"
                "</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
                % (t.hour, t.minute, t.second, t.year, t.month, t.day))

    def get_device_information(self, req, host):
        return ("<tds:GetDeviceInformationResponse><tds:Manufacturer>ptzgrab</tds:Manufacturer>"
                "<tds:Model>Loopback PTZ Test Camera</tds:Model><tds:FirmwareVersion>1.0</tds:FirmwareVersion>"
                "<tds:SerialNumber>PTZGRAB-0001</tds:SerialNumber><tds:HardwareId>loopback</tds:HardwareId>"
                "</tds:GetDeviceInformationResponse>")

    def get_services(self, req, host):
        if self.a.no_get_services:
            raise not_supported("GetServices is not implemented on this device")
        rows = [(NS["tds"], "device"), (NS["trt"], "media"), (NS["tptz"], "ptz")]
        return "<tds:GetServicesResponse>%s</tds:GetServicesResponse>" % "".join(
            "<tds:Service><tds:Namespace>%s</tds:Namespace><tds:XAddr>http://%s/onvif/%s_service</tds:XAddr>"
            "<tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>"
            % (ns, host, name) for ns, name in rows)

    def get_capabilities(self, req, host):
        return ("<tds:GetCapabilitiesResponse><tds:Capabilities>"
                "<tt:Device><tt:XAddr>http://{h}/onvif/device_service</tt:XAddr></tt:Device>"
                "<tt:Media><tt:XAddr>http://{h}/onvif/media_service</tt:XAddr><tt:StreamingCapabilities>"
                "<tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP>"
                "<tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP></tt:StreamingCapabilities></tt:Media>"
                "<tt:PTZ><tt:XAddr>http://{h}/onvif/ptz_service</tt:XAddr></tt:PTZ>"
                "</tds:Capabilities></tds:GetCapabilitiesResponse>").format(h=host)

    # -- media --
    def ptz_configuration_xml(self, tag="tt:PTZConfiguration"):
        rel = "" if self.a.no_relative else (
            "<tt:DefaultRelativePanTiltTranslationSpace>%s</tt:DefaultRelativePanTiltTranslationSpace>"
            "<tt:DefaultRelativeZoomTranslationSpace>%s</tt:DefaultRelativeZoomTranslationSpace>"
            % (PT_TRANSLATION, Z_TRANSLATION))
        return ('<%s token="%s"><tt:Name>PTZ</tt:Name><tt:UseCount>1</tt:UseCount>'
                "<tt:NodeToken>%s</tt:NodeToken>"
                "<tt:DefaultAbsolutePantTiltPositionSpace>%s</tt:DefaultAbsolutePantTiltPositionSpace>"
                "<tt:DefaultAbsoluteZoomPositionSpace>%s</tt:DefaultAbsoluteZoomPositionSpace>%s"
                "<tt:DefaultContinuousPanTiltVelocitySpace>%s</tt:DefaultContinuousPanTiltVelocitySpace>"
                "<tt:DefaultContinuousZoomVelocitySpace>%s</tt:DefaultContinuousZoomVelocitySpace>"
                '<tt:DefaultPTZSpeed><tt:PanTilt x="1" y="1" space="%s"/><tt:Zoom x="1" space="%s"/>'
                "</tt:DefaultPTZSpeed><tt:DefaultPTZTimeout>PT10S</tt:DefaultPTZTimeout>"
                "<tt:PanTiltLimits><tt:Range>%s</tt:Range></tt:PanTiltLimits>"
                "<tt:ZoomLimits><tt:Range>%s</tt:Range></tt:ZoomLimits></%s>"
                % (tag, PTZ_CONFIG, PTZ_NODE, PT_POSITION, Z_POSITION, rel, PT_VELOCITY, Z_VELOCITY,
                   PT_SPEED, Z_SPEED, range_xml(PT_POSITION, y=(-1, 1)), range_xml(Z_POSITION, (0, 1)), tag))

    def profile_xml(self, tag):
        return ('<%s token="%s" fixed="true"><tt:Name>Main</tt:Name>'
                '<tt:VideoSourceConfiguration token="vsc_1"><tt:Name>VideoSource</tt:Name>'
                "<tt:UseCount>1</tt:UseCount><tt:SourceToken>%s</tt:SourceToken>"
                '<tt:Bounds x="0" y="0" width="%d" height="%d"/></tt:VideoSourceConfiguration>'
                '<tt:VideoEncoderConfiguration token="vec_1"><tt:Name>H264</tt:Name><tt:UseCount>1</tt:UseCount>'
                "<tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>%d</tt:Width><tt:Height>%d</tt:Height>"
                "</tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>%d"
                "</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>300"
                "</tt:BitrateLimit></tt:RateControl><tt:H264><tt:GovLength>%d</tt:GovLength>"
                "<tt:H264Profile>Baseline</tt:H264Profile></tt:H264><tt:SessionTimeout>PT60S</tt:SessionTimeout>"
                "</tt:VideoEncoderConfiguration>%s</%s>"
                % (tag, PROFILE, VIDEO_SOURCE, STREAM_W, STREAM_H, STREAM_W, STREAM_H, FPS, FPS,
                   self.ptz_configuration_xml(), tag))

    def check_profile(self, req):
        token = text_of(req, "ProfileToken", "trt") or text_of(req, "ProfileToken", "tptz")
        if token != PROFILE:
            raise bad_arg("no profile %r" % token, "NoProfile")

    def get_profiles(self, req, host):
        return "<trt:GetProfilesResponse>%s</trt:GetProfilesResponse>" % self.profile_xml("trt:Profiles")

    def get_profile(self, req, host):
        self.check_profile(req)
        return "<trt:GetProfileResponse>%s</trt:GetProfileResponse>" % self.profile_xml("trt:Profile")

    def get_video_sources(self, req, host):
        return ('<trt:GetVideoSourcesResponse><trt:VideoSources token="%s"><tt:Framerate>%d</tt:Framerate>'
                "<tt:Resolution><tt:Width>%d</tt:Width><tt:Height>%d</tt:Height></tt:Resolution>"
                "</trt:VideoSources></trt:GetVideoSourcesResponse>" % (VIDEO_SOURCE, FPS, STREAM_W, STREAM_H))

    def get_stream_uri(self, req, host):
        self.check_profile(req)
        return ("<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>rtsp://127.0.0.1:%d/stream</tt:Uri>"
                "<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false"
                "</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>"
                % self.a.rtsp_port)

    # -- PTZ --
    def node_xml(self, tag):
        rel = "" if self.a.no_relative else (
            "<tt:RelativePanTiltTranslationSpace>%s</tt:RelativePanTiltTranslationSpace>"
            "<tt:RelativePanTiltTranslationSpace>%s</tt:RelativePanTiltTranslationSpace>"
            "<tt:RelativeZoomTranslationSpace>%s</tt:RelativeZoomTranslationSpace>"
            % (range_xml(PT_TRANSLATION, y=(-1, 1)), range_xml(PT_FOV, y=(-1, 1)),
               range_xml(Z_TRANSLATION, (-1, 1))))
        return ('<%s token="%s" FixedHomePosition="false" GeoMove="false"><tt:Name>PTZ Node</tt:Name>'
                "<tt:SupportedPTZSpaces>"
                "<tt:AbsolutePanTiltPositionSpace>%s</tt:AbsolutePanTiltPositionSpace>"
                "<tt:AbsoluteZoomPositionSpace>%s</tt:AbsoluteZoomPositionSpace>%s"
                "<tt:ContinuousPanTiltVelocitySpace>%s</tt:ContinuousPanTiltVelocitySpace>"
                "<tt:ContinuousZoomVelocitySpace>%s</tt:ContinuousZoomVelocitySpace>"
                "<tt:PanTiltSpeedSpace>%s</tt:PanTiltSpeedSpace><tt:ZoomSpeedSpace>%s</tt:ZoomSpeedSpace>"
                "</tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>%d</tt:MaximumNumberOfPresets>"
                "<tt:HomeSupported>true</tt:HomeSupported></%s>"
                % (tag, PTZ_NODE, range_xml(PT_POSITION, y=(-1, 1)), range_xml(Z_POSITION, (0, 1)), rel,
                   range_xml(PT_VELOCITY, y=(-1, 1)), range_xml(Z_VELOCITY), range_xml(PT_SPEED, (0, 1)),
                   range_xml(Z_SPEED, (0, 1)), max(300, self.a.unnamed_presets + 50), tag))

    def get_nodes(self, req, host):
        return "<tptz:GetNodesResponse>%s</tptz:GetNodesResponse>" % self.node_xml("tptz:PTZNode")

    def get_node(self, req, host):
        if text_of(req, "NodeToken", "tptz") != PTZ_NODE:
            raise bad_arg("no such PTZ node", "NoEntity")
        return "<tptz:GetNodeResponse>%s</tptz:GetNodeResponse>" % self.node_xml("tptz:PTZNode")

    def get_configurations(self, req, host):
        return ("<tptz:GetConfigurationsResponse>%s</tptz:GetConfigurationsResponse>"
                % self.ptz_configuration_xml("tptz:PTZConfiguration"))

    def get_configuration(self, req, host):
        if text_of(req, "PTZConfigurationToken", "tptz") != PTZ_CONFIG:
            raise bad_arg("no such PTZ configuration", "NoConfig")
        return ("<tptz:GetConfigurationResponse>%s</tptz:GetConfigurationResponse>"
                % self.ptz_configuration_xml("tptz:PTZConfiguration"))

    def get_configuration_options(self, req, host):
        if text_of(req, "ConfigurationToken", "tptz") != PTZ_CONFIG:
            raise bad_arg("no such PTZ configuration", "NoConfig")
        node = self.node_xml("x")
        spaces = node[node.index("<tt:SupportedPTZSpaces>"):node.index("</tt:SupportedPTZSpaces>")]
        spaces = spaces.replace("<tt:SupportedPTZSpaces>", "")
        return ("<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions><tt:Spaces>%s</tt:Spaces>"
                "<tt:PTZTimeout><tt:Min>PT1S</tt:Min><tt:Max>PT60S</tt:Max></tt:PTZTimeout>"
                "</tptz:PTZConfigurationOptions></tptz:GetConfigurationOptionsResponse>" % spaces)

    def get_status(self, req, host):
        self.check_profile(req)
        p, t, z, pt_moving, z_moving = self.cam.snapshot()
        status = ""
        if self.a.move_status == "stuck":
            pt_moving = z_moving = True
        if self.a.move_status != "absent":
            status = ("<tt:MoveStatus><tt:PanTilt>%s</tt:PanTilt><tt:Zoom>%s</tt:Zoom></tt:MoveStatus>"
                      % ("MOVING" if pt_moving else "IDLE", "MOVING" if z_moving else "IDLE"))
        utc = datetime.fromtimestamp(self.auth.camera_now(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return ("<tptz:GetStatusResponse><tptz:PTZStatus>%s%s<tt:UtcTime>%s</tt:UtcTime></tptz:PTZStatus>"
                "</tptz:GetStatusResponse>" % (position_xml(p, t, z), status, utc))

    def continuous_move(self, req, host):
        self.check_profile(req)
        velocity, _ = vector(child(req, "Velocity", "tptz"))
        timeout = text_of(req, "Timeout", "tptz")
        seconds = parse_duration(timeout) if timeout else DEFAULT_TIMEOUT_S
        self.cam.continuous(velocity, min(seconds, 60.0))
        return "<tptz:ContinuousMoveResponse/>"

    def relative_move(self, req, host):
        self.check_profile(req)
        if self.a.no_relative:
            raise not_supported("RelativeMove is not supported by this device")
        delta, spaces = vector(child(req, "Translation", "tptz"))
        fov = spaces.get("pantilt") == PT_FOV
        for k in ("pantilt", "zoom"):
            if spaces.get(k) not in (None, PT_TRANSLATION, PT_FOV, Z_TRANSLATION):
                raise bad_arg("unsupported space " + spaces[k], "SpaceNotSupported")
        self.cam.move_by(delta, fov, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:RelativeMoveResponse/>"

    def absolute_move(self, req, host):
        self.check_profile(req)
        target, spaces = vector(child(req, "Position", "tptz"))
        for k in ("pantilt", "zoom"):
            if spaces.get(k) not in (None, PT_POSITION, Z_POSITION):
                raise bad_arg("unsupported space " + spaces[k], "SpaceNotSupported")
        for k, v in target.items():
            if not (0.0 if k == "zoom" else -1.0) <= v <= 1.0:
                raise bad_arg("%s %g is out of range" % (k, v), "InvalidPosition")
        self.cam.move_to(target, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:AbsoluteMoveResponse/>"

    def stop(self, req, host):
        self.check_profile(req)
        flag = lambda name: (text_of(req, name, "tptz") or "true").lower() in ("true", "1")  # noqa: E731
        self.cam.stop(flag("PanTilt"), flag("Zoom"))
        return "<tptz:StopResponse/>"

    def get_presets(self, req, host):
        self.check_profile(req)
        with self.cam.lock:
            rows = list(self.cam.presets.items())
        return "<tptz:GetPresetsResponse>%s</tptz:GetPresetsResponse>" % "".join(
            '<tptz:Preset token="%s"><tt:Name>%s</tt:Name>%s</tptz:Preset>'
            % (tok, escape(name), position_xml(*pos, tag="tt:PTZPosition")) for tok, (name, pos) in rows)

    def set_preset(self, req, host):
        self.check_profile(req)
        name = text_of(req, "PresetName", "tptz") or ""
        token = text_of(req, "PresetToken", "tptz")
        p, t, z, _, _ = self.cam.snapshot()
        with self.cam.lock:
            if name and any(n == name and tok != token for tok, (n, _) in self.cam.presets.items()):
                raise bad_arg("a preset named %r exists" % name, "PresetExist")
            if token:
                if token not in self.cam.presets:
                    raise bad_arg("no preset %r" % token, "NoToken")
                self.cam.presets[token] = [name or self.cam.presets[token][0], (p, t, z)]
            else:
                token = self.cam._add_preset(name, (p, t, z))
        return "<tptz:SetPresetResponse><tptz:PresetToken>%s</tptz:PresetToken></tptz:SetPresetResponse>" % token

    def preset_position(self, req):
        token = text_of(req, "PresetToken", "tptz")
        with self.cam.lock:
            if token not in self.cam.presets:
                raise bad_arg("no preset %r" % token, "NoEntity")
            return token, self.cam.presets[token][1]

    def remove_preset(self, req, host):
        self.check_profile(req)
        token, _ = self.preset_position(req)
        with self.cam.lock:
            self.cam.presets.pop(token, None)
        return "<tptz:RemovePresetResponse/>"

    def goto_preset(self, req, host):
        self.check_profile(req)
        _, (p, t, z) = self.preset_position(req)
        self.cam.move_to({"pan": p, "tilt": t, "zoom": z}, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:GotoPresetResponse/>"

    def goto_home(self, req, host):
        self.check_profile(req)
        with self.cam.lock:
            p, t, z = self.cam.home
        self.cam.move_to({"pan": p, "tilt": t, "zoom": z}, speed_rates(child(req, "Speed", "tptz")))
        return "<tptz:GotoHomePositionResponse/>"

    def set_home(self, req, host):
        self.check_profile(req)
        p, t, z, _, _ = self.cam.snapshot()
        with self.cam.lock:
            self.cam.home = (p, t, z)
        return "<tptz:SetHomePositionResponse/>"
