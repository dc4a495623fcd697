package httpapi

import (
	"context"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
	"github.com/artnet-panel/artnet-panel/internal/form"
	"github.com/artnet-panel/artnet-panel/internal/panel"
)

// addCloudRoutes adds the handlers of the cloud-instance module and of
// the VPS power commands (with /vps/details, whose power_state is live).
func (s *Server) addCloudRoutes(h map[string]handlerFunc) {
	p := s.Panel
	h["cloud-instance/list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.CloudList(ctx, c.customerID)
		if err != nil {
			return nil, err
		}
		return artnet.CloudInstancesListResponse{InstancesList: list}, nil
	}
	h["cloud-instance/details"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.CloudDetails(ctx, c.customerID, c.int("instance_id"))
		if err != nil {
			return nil, err
		}
		return artnet.CloudInstanceDetailsResponse{InstanceDetails: d}, nil
	}
	for cmd, action := range map[string]string{
		"action-power-on": panel.CloudPowerOn, "action-power-off": panel.CloudPowerOff,
		"action-power-restart": panel.CloudPowerRestart, "action-shutdown": panel.CloudShutdown,
		"action-reboot": panel.CloudReboot,
	} {
		h["cloud-instance/"+cmd] = func(ctx context.Context, c *call) (any, error) {
			return nil, p.CloudPower(ctx, c.customerID, c.int("instance_id"), c.str("instance_password"), action)
		}
	}
	h["cloud-instance/resources-allowed-ranges"] = func(ctx context.Context, c *call) (any, error) {
		r, err := p.CloudRanges(ctx, c.customerID, c.int("instance_id"))
		if err != nil {
			return nil, err
		}
		return artnet.ResourcesRangesResponse{ResourcesRanges: r}, nil
	}
	h["cloud-instance/resources-calculate-price"] = func(ctx context.Context, c *call) (any, error) {
		pr, err := p.CloudPrice(ctx, c.customerID, c.int("instance_id"), resourcesInput(c.params.Get("resources")))
		if err != nil {
			return nil, err
		}
		return artnet.PriceResourcesResponse{PriceResources: pr}, nil
	}
	h["cloud-instance/resources-negotiate"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.CloudNegotiate(ctx, c.customerID, panel.CloudNegotiateInput{
			ID: c.int("instance_id"), Password: c.str("instance_password"), Shutdown: c.bool("shutdown"),
			Resources: resourcesInput(c.params.Get("resources")),
		})
	}
	h["cloud-instance/boot-installation-images-list"] = func(ctx context.Context, c *call) (any, error) {
		list, err := p.CloudImages(ctx, c.customerID, c.int("instance_id"))
		if err != nil {
			return nil, err
		}
		return artnet.InstallationImagesListResponse{InstallationImagesList: list}, nil
	}
	h["cloud-instance/boot-mode-installation-image"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.CloudBootMode(ctx, c.customerID, c.int("instance_id"), c.str("instance_password"),
			c.str("installation_image"), true, c.bool("shutdown"))
	}
	h["cloud-instance/boot-mode-boot"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.CloudBootMode(ctx, c.customerID, c.int("instance_id"), c.str("instance_password"), "", false, c.bool("shutdown"))
	}
	h["cloud-instance/custom-properties-edit"] = func(ctx context.Context, c *call) (any, error) {
		v := c.params.Get("custom_properties")
		return nil, p.CloudEditProperties(ctx, c.customerID, c.int("instance_id"), optString(v, "display_name"), optString(v, "notes"))
	}
	h["cloud-instance/password-change"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.CloudPasswordChange(ctx, c.customerID, c.int("instance_id"), c.str("instance_password"), c.str("instance_new_password"))
	}
	h["cloud-instance/delete"] = func(ctx context.Context, c *call) (any, error) {
		return nil, p.CloudDelete(ctx, c.customerID, c.int("instance_id"), c.str("instance_password"))
	}
	for cmd, action := range map[string]string{
		"power-on": panel.CloudPowerOn, "power-off": panel.CloudPowerOff, "power-restart": panel.CloudPowerRestart,
	} {
		h["vps/"+cmd] = func(ctx context.Context, c *call) (any, error) {
			return nil, p.VPSPower(ctx, c.customerID, c.int("service_id"), c.str("confirm"), action)
		}
	}
	h["vps/details"] = func(ctx context.Context, c *call) (any, error) {
		d, err := p.VPSDetails(ctx, c.customerID, c.int("service_id"))
		if err != nil {
			return nil, err
		}
		return artnet.ServiceDetailsOf[artnet.ServiceDetails]{ServiceDetails: d}, nil
	}
}

// tooLongCodes are the documented codes of parameters longer than their
// limit, by "module/command parameter"; the others answer the command's
// parameter error code.
var tooLongCodes = map[string]string{
	"cloud-instance/custom-properties-edit custom_properties[display_name]": apperr.CodeInstanceDisplayNameTooLong,
	"cloud-instance/custom-properties-edit custom_properties[notes]":        apperr.CodeInstanceNotesTooLong,
}

// bool returns a Bool parameter already checked by checkParams (false
// when absent).
func (c *call) bool(name string) bool {
	b, _ := parseBool(c.params.Get(name).String())
	return b
}

// resourcesInput reads resources[cpu|ram|hdd|bandwidth] (Numbers checked
// by checkParams; absent: nil).
func resourcesInput(v *form.Value) panel.CloudResourcesInput {
	get := func(name string) *int64 {
		child := v.Get(name)
		if !present(child) {
			return nil
		}
		n, err := strconv.ParseInt(child.String(), 10, 64)
		if err != nil {
			n = -1 // not a whole number: outside every range
		}
		return &n
	}
	return panel.CloudResourcesInput{CPU: get("cpu"), RAM: get("ram"), HDD: get("hdd"), Bandwidth: get("bandwidth")}
}
